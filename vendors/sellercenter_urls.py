"""URLs of the seller center, included by the root URLconf as ``sellercenter``.

``shop/urls.py`` includes this module by string so the kernel never imports vendors.
"""

from vendors.sellercenter import seller_site

urlpatterns = seller_site.get_urls()
