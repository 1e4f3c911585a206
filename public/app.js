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
  // An invitation emailed before its link carried the token in the query has it in the fragment
  // (#token=...), which never reaches the server: move it into the form and out of the address.
  var fragmentToken = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  document.querySelectorAll('input[data-gc-token-from-fragment]').forEach(function (input) {
    if (fragmentToken && !input.value) input.value = fragmentToken[1];
    if (fragmentToken) history.replaceState(null, '', window.location.pathname);
  });
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
