"""Root query fields, one mixin per domain, combined in ``schema.schema.Query``."""
