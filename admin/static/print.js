// Print buttons (data-print): a listener, since the Content-Security-Policy runs no onclick="".
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
