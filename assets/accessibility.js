// dcc.Upload draws a hidden file input with no name; give it one for screen readers.
new MutationObserver(function () {
  document.querySelectorAll(".upload-drop input[type=file]:not([aria-label])").forEach(function (input) {
    input.setAttribute("aria-label", "Choose a workbook to upload");
  });
}).observe(document.documentElement, { childList: true, subtree: true });
