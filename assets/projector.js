// Projector mode keys: arrows move between outcome areas and exceptions, Esc leaves.
document.addEventListener("keydown", function (event) {
  if (!document.querySelector(".projector")) return;
  var tag = (event.target.tagName || "").toLowerCase();
  if (tag === "input" || tag === "textarea" || tag === "select") return;
  var target = {
    ArrowRight: "projector-next", ArrowDown: "projector-next", PageDown: "projector-next",
    ArrowLeft: "projector-previous", ArrowUp: "projector-previous", PageUp: "projector-previous",
    Escape: "projector-exit"
  }[event.key];
  var link = target && document.getElementById(target);
  if (link) {
    event.preventDefault();
    link.click();
  }
});
