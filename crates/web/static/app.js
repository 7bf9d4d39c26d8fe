// 知运: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // Identifier fields (data-validate="uscc" etc.) are checked as the user types, by the same
  // rules the server applies (POST /api/v1/validate/{kind}); the server checks again on submit.
  function attachValidator(input) {
    var kind = input.getAttribute("data-validate");
    var out = document.createElement("div");
    out.className = "hint live-check";
    out.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", out);
    var timer = null;
    var seq = 0;
    function check() {
      var value = input.value.trim();
      if (!value) { out.textContent = ""; out.className = "hint live-check"; input.removeAttribute("aria-invalid"); return; }
      var mine = ++seq;
      fetch("/api/v1/validate/" + kind, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ value: value })
      }).then(function (r) { return r.json(); }).then(function (res) {
        if (mine !== seq) return;
        if (res.valid) {
          var extra = res.warnings && res.warnings.length ? "（提示：" + res.warnings[0].message + "）" : "";
          out.className = "ok-msg live-check";
          out.textContent = "✓ 格式正确：" + res.canonical + describe(kind, res.detail) + extra;
          input.removeAttribute("aria-invalid");
        } else {
          out.className = "error live-check";
          out.textContent = "✗ " + res.errors.map(function (e) { return e.message; }).join("；");
          input.setAttribute("aria-invalid", "true");
        }
      }).catch(function () { /* offline: the server checks on submit */ });
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(check, 250); });
    if (input.value) check();
  }

  function describe(kind, d) {
    if (!d) return "";
    if (kind === "uscc" && d.district) return "（" + d.district + (d.district_current === false ? "，已撤并" : "") + "）";
    if (kind === "patent-application" && d.type_label) return "（" + d.year + " 年，" + d.type_label + "）";
    if (kind === "hte-certificate" && d.province_name) return "（" + d.issue_year + " 年，" + d.province_name + "，有效期至 " + d.valid_years[2] + " 年）";
    if (kind === "patent-publication" && d.kind_label) return "（" + d.kind_label + "）";
    return "";
  }

  // Enterprise-only fields are shown only when the kind is "enterprise".
  function attachKindToggle(select) {
    var target = document.getElementById(select.getAttribute("data-toggles"));
    if (!target) return;
    function sync() { target.hidden = select.value !== "enterprise"; }
    select.addEventListener("change", sync);
    sync();
  }

  // Buttons that destroy something ask first.
  function attachConfirm(form) {
    form.addEventListener("submit", function (e) {
      if (!window.confirm(form.getAttribute("data-confirm"))) e.preventDefault();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-validate]").forEach(attachValidator);
    document.querySelectorAll("select[data-toggles]").forEach(attachKindToggle);
    document.querySelectorAll("form[data-confirm]").forEach(attachConfirm);
  });
})();
