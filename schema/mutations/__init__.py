"""Root mutation fields, one mixin per domain, combined in ``schema.schema.Mutation``."""
