// dcc.Upload drops a file over its size limit without a word: say so plainly instead.
(function () {
  function check(files) {
    var notice = document.getElementById("upload-too-big");
    if (!notice || !files || !files.length) { return; }
    var limit = Number(notice.getAttribute("data-max-bytes"));
    var file = files[0];
    if (file.size > limit) {
      notice.textContent = file.name + " is larger than " + Math.round(limit / 1048576) +
        " MB, so it was not uploaded and nothing was loaded. Split it into smaller files, or send it as CSV.";
      notice.hidden = false;
    } else {
      notice.textContent = "";
      notice.hidden = true;
    }
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("#upload-file input[type=file]")) { check(event.target.files); }
  }, true);
  document.addEventListener("drop", function (event) {
    if (event.target.closest && event.target.closest("#upload-file") && event.dataTransfer) { check(event.dataTransfer.files); }
  }, true);
})();

// Words for the upload page's progress bars (layouts/upload.py): they name the file being worked on.
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  upload: {
    checking: function (name) {
      return name ? "Checking " + name + "\u2026 large workbooks can take a minute." : "";
    },
    loading: function (pending) {
      return pending && pending.name ? "Loading " + pending.name + "\u2026 do not close this page." : "";
    }
  }
});
