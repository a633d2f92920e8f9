// Confirm before destructive actions: <form data-confirm="…">.
document.addEventListener("submit", function (event) {
  const message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// Long work started by a form: <form data-busy="…"> disables its buttons and says what is
// happening, so a second click does not start it twice.
document.addEventListener("submit", function (event) {
  const form = event.target;
  const message = form.getAttribute("data-busy");
  if (!message || event.defaultPrevented) {
    return;
  }
  form.querySelectorAll("button[type=submit]").forEach(function (button) {
    button.disabled = true;
    button.replaceChildren();
    const spinner = document.createElement("span");
    spinner.className = "spinner-border spinner-border-sm me-1";
    spinner.setAttribute("aria-hidden", "true");
    button.append(spinner, document.createTextNode(message));
  });
});
