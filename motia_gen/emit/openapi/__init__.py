"""The OpenAPI document of an app: paths and operations, component schemas, and the 3.0 form."""

from motia_gen.emit.openapi.document import OpenApiVersion, render_openapi
from motia_gen.emit.openapi.info import Info, document_info

__all__ = ["Info", "OpenApiVersion", "document_info", "render_openapi"]
