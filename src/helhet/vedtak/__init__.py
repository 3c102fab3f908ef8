"""Municipal decisions (vedtak) and the service delivered against them."""
