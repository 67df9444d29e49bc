// Layout behaviour for every page (base.html), phones first.
(function () {
  // The menu button on a phone, on the light pages that load no Bootstrap script (base.html):
  // it opens and closes the menu as Bootstrap's collapse does, without the animation.
  if (!window.bootstrap) {
    document.querySelectorAll("[data-bs-toggle=collapse]").forEach((button) => {
      const menu = document.querySelector(button.dataset.bsTarget);
      if (!menu) return;
      button.addEventListener("click", () => {
        const open = menu.classList.toggle("show");
        button.classList.toggle("collapsed", !open);
        button.setAttribute("aria-expanded", String(open));
      });
    });
  }
  // A table wider than the screen scrolls sideways: it takes the keyboard's focus too, so it
  // can be scrolled without a mouse (and a screen reader names it by its table).
  const scrollable = () => {
    document.querySelectorAll(".table-responsive").forEach((region) => {
      if (region.scrollWidth > region.clientWidth + 1) {
        region.setAttribute("tabindex", "0");
      } else if (region.getAttribute("tabindex") === "0") {
        region.removeAttribute("tabindex");
      }
    });
  };
  scrollable();
  window.addEventListener("resize", scrollable);
})();
