// Sends a form as soon as one of its [data-autosubmit] controls changes (the language
// menu). A file, not an onchange="" attribute: the Content-Security-Policy refuses
// inline script (docs/security.md).
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-autosubmit]")) event.target.form.submit();
});
