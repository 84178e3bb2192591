"""Reviews API URLs, mounted at /api/v1/."""

from django.urls import path

from reviews.api import views

urlpatterns = [
    path(
        "products/<int:product_id>/reviews/",
        views.ProductReviewListView.as_view(),
        name="api-product-reviews",
    ),
    path(
        "products/<int:product_id>/rating/",
        views.ProductRatingView.as_view(),
        name="api-product-rating",
    ),
    path(
        "products/<int:product_id>/questions/",
        views.ProductQuestionsView.as_view(),
        name="api-product-questions",
    ),
    path(
        "reviews/<int:review_id>/helpful/", views.HelpfulVoteView.as_view(), name="api-review-vote"
    ),
    path("me/reviews/", views.MyReviewsView.as_view(), name="api-my-reviews"),
    path(
        "me/reviewable-lines/", views.ReviewableLinesView.as_view(), name="api-my-reviewable-lines"
    ),
    path("me/questions/", views.MyQuestionsView.as_view(), name="api-my-questions"),
]
