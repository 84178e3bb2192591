/* Open PortOne's identity verification window (live mode) and come back with its result.
 * The parameters come from the json_script nodes the server rendered; no inline script,
 * so the page runs under the shop's strict CSP (accounts.views.identity_sdk allows the SDK). */
(function () {
  "use strict";
  function read(id) { return JSON.parse(document.getElementById(id).textContent); }
  window.addEventListener("load", function () {
    if (!window.PortOne) return;
    window.PortOne.requestIdentityVerification({
      storeId: read("iv-store"),
      identityVerificationId: read("iv-id"),
      channelKey: read("iv-channel"),
      redirectUrl: read("iv-redirect"),
    }).then(function (response) {
      var url = new URL(read("iv-redirect"));
      url.searchParams.set("identityVerificationId", read("iv-id"));
      if (response && response.code) { url.searchParams.set("code", response.code); }
      window.location.assign(url.toString());
    });
  });
})();
