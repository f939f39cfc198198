"""Static files served at ``/static``: CSS, JavaScript and images.

Data only; read it through :mod:`matchmaker.package_data`.
"""
