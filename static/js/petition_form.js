// The office's petition form: show the fields that belong to the chosen channel and to a group
// visit. Without script every field stays visible and the server checks the same rules.
(function () {
  const form = document.querySelector('[data-testid="petition-form"]');
  if (!form) return;
  function update() {
    const checked = form.querySelector('input[name="channel"]:checked');
    const channel = checked ? checked.value : "";
    form.querySelectorAll("[data-show-for]").forEach(function (el) {
      el.hidden = !el.getAttribute("data-show-for").split(" ").includes(channel);
    });
    const group = form.querySelector('input[name="is_group"]');
    form.querySelectorAll("[data-group-fields]").forEach(function (el) { el.hidden = group && !group.checked; });
  }
  form.addEventListener("change", update);
  update();
})();
