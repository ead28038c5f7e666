"""The MkDocs side: plugin, generated pages, feeds. The only package that imports MkDocs."""
