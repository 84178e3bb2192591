"""Product images and videos: validation, processing into renditions, the media rows."""
