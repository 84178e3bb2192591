"""The public extension API of the catalog: media processors (docs/extending.md).

Only the names in ``__all__`` are public.
"""

from catalog.media.processing import ImageProcessor, register_image_processor

__all__ = ["ImageProcessor", "register_image_processor"]
