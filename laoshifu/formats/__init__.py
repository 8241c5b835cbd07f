"""Reading and writing the authoring formats (Markdown + front matter, CSV, YAML, handbooks)."""
