/* Product page: pick options, see the variant's price and stock, keep the total up to date.
 * Data comes from the json_script "product-options" (money as whole-won strings, so
 * integers stay exact). No inline script: the page works under a strict CSP. Without
 * JavaScript the form still posts; the server checks everything again. */
(function () {
  "use strict";
  var dataNode = document.getElementById("product-options");
  var form = document.getElementById("buy-form");
  if (!dataNode || !form) return;
  var data = JSON.parse(dataNode.textContent);
  var selects = Array.prototype.slice.call(form.querySelectorAll(".option-select"));
  var variantInput = document.getElementById("variant-input");
  var priceNode = document.getElementById("product-price");
  var totalNode = document.getElementById("product-total");
  var statusNode = document.getElementById("variant-status");
  var quantityInput = document.getElementById("quantity-input");
  var submit = document.getElementById("add-to-cart");
  var won = function (amount) { return amount.toLocaleString("ko-KR") + "원"; };
  var msg = function (name) { return form.getAttribute("data-msg-" + name) || ""; };

  function chosen() {
    return selects.map(function (select) { return select.value ? parseInt(select.value, 10) : null; });
  }
  function matches(variant, values) {
    return values.every(function (value) { return value === null || variant.values.indexOf(value) !== -1; });
  }
  function currentVariant(values) {
    if (values.some(function (value) { return value === null; })) return null;
    for (var i = 0; i < data.variants.length; i++) {
      var variant = data.variants[i];
      if (variant.values.length === values.length && matches(variant, values)) return variant;
    }
    return null;
  }
  function markAvailability(values) {
    // An option value is disabled when no in-stock variant has it together with the
    // values already chosen in the other groups.
    selects.forEach(function (select, index) {
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.value) return;
        if (!option.hasAttribute("data-label")) option.setAttribute("data-label", option.textContent);
        var trial = values.slice();
        trial[index] = parseInt(option.value, 10);
        var available = data.variants.some(function (variant) { return variant.in_stock && matches(variant, trial); });
        option.disabled = !available;
        option.textContent = option.getAttribute("data-label") + (available ? "" : " (" + msg("soldout") + ")");
      });
    });
  }
  function addonsTotal() {
    var sum = 0;
    form.querySelectorAll(".addon-quantity").forEach(function (input) {
      var quantity = parseInt(input.value, 10) || 0;
      var price = parseInt(data.addons[input.getAttribute("data-addon")] || "0", 10);
      if (quantity > 0) sum += quantity * price;
    });
    return sum;
  }
  function update() {
    var values = chosen();
    markAvailability(values);
    var variant = selects.length ? currentVariant(values) : (data.variants.length === 1 ? data.variants[0] : null);
    var unit = parseInt(variant ? variant.price : data.price, 10);
    var quantity = Math.max(1, parseInt(quantityInput && quantityInput.value, 10) || 1);
    priceNode.textContent = won(unit);
    totalNode.textContent = won(unit * quantity + addonsTotal());
    var canBuy = form.hasAttribute("data-can-buy");
    if (selects.length) {
      if (variantInput) variantInput.value = variant && variant.in_stock ? variant.id : "";
      if (values.some(function (value) { return value === null; })) {
        statusNode.textContent = msg("choose");
        canBuy = false;
      } else if (!variant) {
        statusNode.textContent = msg("unavailable");
        canBuy = false;
      } else if (!variant.in_stock) {
        statusNode.textContent = variant.label + ": " + msg("soldout");
        canBuy = false;
      } else {
        statusNode.textContent = variant.label + " · " + msg("stock").replace("%(count)s", variant.stock);
        if (quantityInput) quantityInput.max = variant.stock;
      }
    }
    if (submit) submit.disabled = !canBuy;
  }
  // Gallery thumbnails swap the main picture; picking a variant that has its own photo
  // (the merchant tied it to the variant in the gallery) shows that photo.
  var main = document.getElementById("gallery-main");
  var shownVariant = null;
  function show(button) {
    if (!main || !button) return;
    var source = main.parentNode.querySelector("source");
    if (source) source.srcset = button.getAttribute("data-srcset");
    main.src = button.getAttribute("data-src");
  }
  document.querySelectorAll(".gallery__thumb").forEach(function (button) {
    button.addEventListener("click", function () { show(button); });
  });
  function showVariantPhoto() {
    var variant = selects.length ? currentVariant(chosen()) : null;
    var id = variant ? String(variant.id) : null;
    if (id === shownVariant) return;
    shownVariant = id;
    if (id) show(document.querySelector('.gallery__thumb[data-variant="' + id + '"]'));
  }

  form.addEventListener("change", function () { update(); showVariantPhoto(); });
  form.addEventListener("input", update);
  update();
})();
