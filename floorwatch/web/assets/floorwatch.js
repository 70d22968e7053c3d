// The page around textual-serve's terminal: restart after the session ends; a wall TV (no
// mouse, no keyboard) reconnects by itself.
"use strict";
window.addEventListener("DOMContentLoaded", () => {
  const body = document.body;
  for (const button of document.querySelectorAll(".restart")) {
    button.addEventListener("click", () => window.location.reload());
  }
  if (body.dataset.role === "wall") {
    new MutationObserver(() => {
      if (body.classList.contains("-closed")) {
        setTimeout(() => window.location.reload(), 5000);
      }
    }).observe(body, { attributes: true, attributeFilter: ["class"] });
  }
});
