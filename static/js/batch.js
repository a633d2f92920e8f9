// Batch operations on a list: the rows' checkboxes (name="ids", form="<the batch form's id>"),
// a "全选本页" box (data-batch-all="<form id>") and the count on the batch buttons
// (data-batch-count="<form id>"). Without JavaScript the form still posts what is ticked.
(function () {
  function boxes(formId) {
    return document.querySelectorAll('input[type="checkbox"][name="ids"][form="' + formId + '"]');
  }
  function refresh(formId) {
    const all = boxes(formId);
    const ticked = Array.prototype.filter.call(all, function (box) { return box.checked; }).length;
    document.querySelectorAll('[data-batch-count="' + formId + '"]').forEach(function (el) {
      el.textContent = ticked;
    });
    document.querySelectorAll('[data-batch-all="' + formId + '"]').forEach(function (master) {
      master.checked = all.length > 0 && ticked === all.length;
      master.indeterminate = ticked > 0 && ticked < all.length;
    });
  }
  document.querySelectorAll("[data-batch-all]").forEach(function (master) {
    const formId = master.getAttribute("data-batch-all");
    master.addEventListener("change", function () {
      boxes(formId).forEach(function (box) { box.checked = master.checked; });
      refresh(formId);
    });
    refresh(formId);
  });
  document.addEventListener("change", function (event) {
    const box = event.target;
    if (box.matches && box.matches('input[type="checkbox"][name="ids"][form]')) {
      refresh(box.getAttribute("form"));
    }
  });
})();
