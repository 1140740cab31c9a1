"""Gate program of the generated Python client (clients/python/run.sh): calls the operations of its share
of the OpenAPI document through openapi-python-client's code, unmodified, and checks every answer."""
