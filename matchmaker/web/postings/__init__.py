"""The posting pages: demands, capabilities and open resources.

The three kinds share one set of pages (:class:`.views.PostingViews`: the public
list, the owner's list, the form, the page, listing on and off); each blueprint
module builds it with its own form, services and messages and adds the pages only
its kind has. :mod:`.helpers` reads the request and the viewer; :mod:`.labels`
puts the posting labels into every template.
"""
