"""Storefront URLs of reviews and questions."""

from django.urls import path

from reviews import views

app_name = "reviews"
urlpatterns = [
    path("my/reviews/", views.my_reviews, name="my_reviews"),
    path("my/reviews/write/<int:line_id>/", views.write_review, name="write"),
    path("reviews/<int:review_id>/helpful/", views.vote_helpful, name="vote"),
    path("products/<int:product_id>/questions/", views.product_questions, name="product_questions"),
    path("products/<int:product_id>/questions/ask/", views.ask_question, name="ask"),
]
