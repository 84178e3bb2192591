// Listing cards are one HTML for every visitor (kept whole by the page cache), so the
// member's own hearts are filled here from the ids the page's per-visitor part lists
// (templates/wishlist/_wished_ids.html), again after htmx swaps in new results.
(function () {
  "use strict";

  function wishedIds() {
    var data = document.getElementById("wished-ids");
    return data ? JSON.parse(data.textContent) : [];
  }

  function fill(root) {
    wishedIds().forEach(function (id) {
      var hearts = root.querySelectorAll('.product-card__wish[data-product="' + Number(id) + '"]');
      hearts.forEach(function (heart) {
        heart.textContent = "\u2665";
        heart.setAttribute("aria-pressed", "true");
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { fill(document); });
  document.addEventListener("htmx:afterSwap", function (event) { fill(event.target); });
})();
