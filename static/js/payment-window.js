/* Open a provider's payment window from its JavaScript SDK (NaverPay: Naver.Pay).
 * The parameters come from the json_script "payment-window" the server rendered:
 * {"create": {...}, "open": {...}}. No inline script, so a strict CSP still works. */
(function () {
  "use strict";
  var node = document.getElementById("payment-window");
  var button = document.getElementById("open-payment-window");
  if (!node || !button) return;
  var params = JSON.parse(node.textContent);
  function open() {
    if (!window.Naver || !window.Naver.Pay) return;
    window.Naver.Pay.create(params.create).open(params.open);
  }
  button.addEventListener("click", open);
  window.addEventListener("load", open);
})();
