// After a passkey is added (django-otp-webauthn's register_complete event), go on to
// where the page says: the account page, or the page the sign-in was headed for.
document.addEventListener("otp_webauthn.register_complete", function () {
  var box = document.querySelector("[data-passkey-done]");
  window.location.href = (box && box.getAttribute("data-passkey-done")) || window.location.href;
});
