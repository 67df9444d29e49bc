// Behaviour the templates ask for with data- attributes: the Content-Security-Policy allows no
// inline script or event handler (docs/decisions.md, "Headers").
(function () {
  // The language switch sends its form as soon as a language is picked.
  document.querySelectorAll("[data-submit-on-change]").forEach((field) => {
    field.addEventListener("change", () => field.form.submit());
  });
  // A calendar address is selected whole when clicked, ready to copy.
  document.querySelectorAll("[data-select-on-click]").forEach((field) => {
    field.addEventListener("click", () => field.select());
  });
  // A print button prints the page; the print stylesheet (angkatan.css) leaves the content.
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
  // Attendance: rows left empty get the button's status ("hadir"); chosen ones stay.
  document.querySelectorAll("[data-mark-empty]").forEach((button) => {
    button.addEventListener("click", () => {
      button.form.querySelectorAll(".attendance-row").forEach((row) => {
        if (!row.querySelector("input:checked")) {
          row.querySelector(`input[value="${button.dataset.markEmpty}"]`).checked = true;
        }
      });
    });
  });
  // A refused form comes back with its first wrong field focused, so scrolled into view: a
  // gradebook cell can sit far off a phone's screen.
  document
    .querySelector("form input.is-invalid, form select.is-invalid, form textarea.is-invalid")
    ?.focus();
  // Project editor: "Tambah baris" adds an empty row of its formset in the page. Without
  // JavaScript the same button asks the server for the row (name="add_row").
  document.querySelectorAll("[data-formset-add]").forEach((button) => {
    button.addEventListener("click", (event) => {
      const formset = button.closest("[data-formset]");
      const total = formset.querySelector('input[name$="-TOTAL_FORMS"]');
      const empty = formset.querySelector("template[data-formset-empty]");
      event.preventDefault();
      const index = Number(total.value);
      const row = document.createElement("template");
      row.innerHTML = empty.innerHTML.replaceAll("__prefix__", String(index));
      const added = row.content.firstElementChild;
      formset.querySelector("[data-formset-rows]").append(row.content);
      total.value = String(index + 1);
      added.querySelector("input:not([type=hidden]), select, textarea")?.focus();
    });
  });
})();
