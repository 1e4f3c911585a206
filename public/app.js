// Grant Commons pages work without this file; it only enhances them.
(function () {
  'use strict';
  // A money input's row and column totals update as the person types (budget matrix).
  function cents(value) {
    var match = /^\s*(\d{0,12})(?:\.(\d{0,2}))?\s*$/.exec(String(value).replace(/,/g, ''));
    if (!match) return null;
    return Number(match[1] || '0') * 100 + Number(((match[2] || '') + '00').slice(0, 2));
  }
  function money(total) {
    var whole = Math.floor(total / 100)
      .toString()
      .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return '$' + whole + '.' + String(total % 100).padStart(2, '0');
  }
  document.querySelectorAll('[data-gc-total-for]').forEach(function (output) {
    var selector = output.getAttribute('data-gc-total-for');
    var inputs = document.querySelectorAll(selector);
    function update() {
      var total = 0;
      inputs.forEach(function (input) {
        var value = cents(input.value || '0');
        if (value !== null) total += value;
      });
      output.textContent = money(total);
    }
    inputs.forEach(function (input) {
      input.addEventListener('input', update);
    });
  });
})();
