// A suggestion's form: find co-signers by name, and count the ticked ones.
(function () {
  const box = document.getElementById("signer-box");
  const search = document.getElementById("signer-search");
  const count = document.getElementById("signer-count");
  if (!box) return;
  function recount() { count.textContent = box.querySelectorAll("input:checked").length; }
  box.addEventListener("change", recount);
  if (search) {
    search.addEventListener("input", function () {
      const term = search.value.trim();
      box.querySelectorAll(".form-check").forEach(function (row) {
        // a class, not the hidden attribute: .signer-box .form-check sets display: flex
        row.classList.toggle("d-none", Boolean(term) && row.getAttribute("data-name").indexOf(term) === -1);
      });
    });
  }
  recount();
})();
