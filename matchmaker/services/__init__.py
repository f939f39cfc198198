"""Services: the only place where ORM rows meet the pure packages. They never commit."""
