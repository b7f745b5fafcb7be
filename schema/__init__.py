"""The GraphQL layer: Strawberry types over the use cases in ``resolvers/``.

Entry points: ``schema.schema.build_schema(introspection=...)`` (the ``Schema`` with its
security extensions), ``schema.schema.execute_as(schema, ctx, query, variables)`` (run an
operation in-process as ``ctx.actor``: the AI tool layer), ``schema.context.GraphQLContext``.
``python -m schema --write`` refreshes ``schema/schema.graphql``, the SDL the dashboard reads.
"""
