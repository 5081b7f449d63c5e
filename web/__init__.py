"""What the three web parts (api/, admin/, portal/) share: request, errors, language, headers."""
