"""Reading workbooks fast and tolerantly into the `Book` model."""
