/**
 * The script a site includes to show a form: plain JavaScript, no framework, about 10 kB. It
 * reads the form's definition, renders it with labels into every
 * `<div data-rapport-form="publicId">`, and posts JSON with the page URL, referrer and UTM
 * parameters of the page; it shows errors beside their fields, then the thank-you message or
 * goes to the redirect.
 */
export function embedScript(publicId: string, definitionUrl: string): string {
  return `/* Rapport form embed */
(function () {
  "use strict";
  var ID = ${JSON.stringify(publicId)};
  // The script's own address names the server as the page reached it (behind any proxy); the built-in one is the fallback.
  var SRC = document.currentScript && document.currentScript.src;
  var DEFINITION = SRC && SRC.lastIndexOf("/embed.js") > 0 ? SRC.slice(0, SRC.lastIndexOf("/embed.js")) : ${JSON.stringify(definitionUrl)};
  var SUBMIT = DEFINITION + "/submissions";
  var STYLE = ".rapport-form{font:inherit;max-width:32rem}.rapport-form .rf-field{margin:0 0 1rem;border:0;padding:0}" +
    ".rapport-form .rf-field>label,.rapport-form legend{display:block;font-weight:600;margin:0 0 .3rem;padding:0}" +
    ".rapport-form input[type=text],.rapport-form input[type=email],.rapport-form input[type=tel],.rapport-form input[type=number]," +
    ".rapport-form input[type=date],.rapport-form input[type=url],.rapport-form select,.rapport-form textarea{box-sizing:border-box;width:100%;font:inherit;padding:.5rem .65rem;border:1px solid #c9ced6;border-radius:6px;background:#fff;color:inherit}" +
    ".rapport-form [aria-invalid=true]{border-color:#b42318}.rapport-form .rf-check{display:flex;gap:.5rem;align-items:flex-start;flex-wrap:wrap}" +
    ".rapport-form .rf-check label{flex:1;font-weight:400}.rapport-form .rf-check .rf-error{flex-basis:100%}.rapport-form .rf-choice{display:block;font-weight:400}" +
    ".rapport-form .rf-required,.rapport-form .rf-error,.rapport-form .rf-alert{color:#b42318}.rapport-form .rf-error{font-size:.875em;margin:.25rem 0 0}" +
    ".rapport-form .rf-submit{font:inherit;font-weight:600;color:#fff;background:#3562e8;border:0;border-radius:6px;padding:.6rem 1.2rem;cursor:pointer}" +
    ".rapport-form .rf-submit[disabled]{opacity:.6;cursor:progress}.rapport-thanks{font:inherit;white-space:pre-line}";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    for (var k in attrs) if (attrs[k] !== undefined && attrs[k] !== null && attrs[k] !== false) node.setAttribute(k, attrs[k] === true ? "" : attrs[k]);
    (children || []).forEach(function (c) { node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }

  function labelOf(f) {
    var parts = [f.label];
    if (f.required) parts.push(" ", el("span", { "class": "rf-required", "aria-hidden": "true" }, ["*"]));
    return parts;
  }

  var types = { text: "text", email: "email", tel: "tel", number: "number", date: "date", url: "url" };
  var auto = { email: "email", firstName: "given-name", lastName: "family-name", phone: "tel", jobTitle: "organization-title" };

  function fieldNode(f, id) {
    var req = f.required ? { required: true, "aria-required": "true" } : {};
    function merge(a, b) { var o = {}; for (var k in a) o[k] = a[k]; for (var j in b) o[j] = b[j]; return o; }
    if (f.type === "checkbox") {
      return el("div", { "class": "rf-field rf-check", "data-key": f.key }, [
        el("input", merge({ type: "checkbox", id: id, name: f.key, value: "true" }, req)),
        el("label", { "for": id }, labelOf(f))
      ]);
    }
    if (f.type === "radio" || f.type === "checkboxes") {
      var items = (f.options || []).map(function (o, n) {
        return el("label", { "class": "rf-choice", "for": id + "-" + n }, [
          el("input", merge({ type: f.type === "radio" ? "radio" : "checkbox", id: id + "-" + n, name: f.key, value: o.value }, f.type === "radio" ? req : {})),
          " " + o.label
        ]);
      });
      return el("fieldset", { "class": "rf-field", "data-key": f.key }, [el("legend", {}, labelOf(f))].concat(items));
    }
    var control;
    if (f.type === "select") {
      control = el("select", merge({ id: id, name: f.key }, req), [el("option", { value: "" }, [f.placeholder || "Choose\\u2026"])].concat(
        (f.options || []).map(function (o) { return el("option", { value: o.value }, [o.label]); })));
    } else if (f.type === "textarea") {
      control = el("textarea", merge({ id: id, name: f.key, rows: "4", placeholder: f.placeholder }, req));
    } else {
      control = el("input", merge({ type: types[f.type] || "text", id: id, name: f.key, placeholder: f.placeholder, autocomplete: auto[f.key] }, req));
    }
    return el("div", { "class": "rf-field", "data-key": f.key }, [el("label", { "for": id }, labelOf(f)), control]);
  }

  function utm() {
    var out = {}, params = new URLSearchParams(location.search);
    ["source", "medium", "campaign", "term", "content"].forEach(function (k) { var v = params.get("utm_" + k); if (v) out[k] = v; });
    return out;
  }

  function clearErrors(form) {
    Array.prototype.forEach.call(form.querySelectorAll(".rf-error,.rf-alert"), function (n) { n.remove(); });
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (n) { n.removeAttribute("aria-invalid"); n.removeAttribute("aria-describedby"); });
  }

  function showErrors(form, def, errors, prefix) {
    var first = null;
    errors.forEach(function (e, n) {
      var box = form.querySelector('[data-key="' + (window.CSS && window.CSS.escape ? window.CSS.escape(e.field) : e.field) + '"]');
      if (!box) return;
      var id = prefix + "-err-" + n;
      box.appendChild(el("p", { "class": "rf-error", id: id }, [e.message]));
      var input = box.querySelector("input,select,textarea");
      if (input) { input.setAttribute("aria-invalid", "true"); input.setAttribute("aria-describedby", id); if (!first) first = input; }
    });
    if (first) first.focus();
  }

  function alertBox(form, message) {
    var box = el("p", { "class": "rf-alert", role: "alert" }, [message]);
    form.insertBefore(box, form.querySelector(".rf-submit"));
  }

  function render(host, def, n) {
    var prefix = "rf-" + ID + "-" + n;
    var form = el("form", { "class": "rapport-form", novalidate: true, action: SUBMIT, method: "post" });
    def.fields.forEach(function (f, i) { form.appendChild(fieldNode(f, prefix + "-" + i)); });
    if (def.consent) {
      var cid = prefix + "-consent";
      form.appendChild(el("div", { "class": "rf-field rf-check", "data-key": "consent" }, [
        el("input", def.consent.required ? { type: "checkbox", id: cid, name: "consent", value: "true", required: true, "aria-required": "true" } : { type: "checkbox", id: cid, name: "consent", value: "true" }),
        el("label", { "for": cid }, [def.consent.text])
      ]));
    }
    form.appendChild(el("div", { "aria-hidden": "true", style: "position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden" }, [
      el("label", { "for": prefix + "-hp" }, ["Leave this field empty"]),
      el("input", { type: "text", id: prefix + "-hp", name: def.honeypot, tabindex: "-1", autocomplete: "off" })
    ]));
    var button = el("button", { type: "submit", "class": "rf-submit" }, [def.submitButtonLabel]);
    form.appendChild(button);
    // An answer being corrected loses its error at once.
    form.addEventListener("input", function (event) {
      var box = event.target.closest && event.target.closest("[data-key]");
      if (!box) return;
      Array.prototype.forEach.call(box.querySelectorAll(".rf-error"), function (n) { n.remove(); });
      Array.prototype.forEach.call(box.querySelectorAll("[aria-invalid]"), function (n) { n.removeAttribute("aria-invalid"); n.removeAttribute("aria-describedby"); });
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearErrors(form);
      var values = {};
      def.fields.forEach(function (f) {
        var inputs = form.querySelectorAll('[name="' + f.key.replace(/"/g, '\\\\"') + '"]');
        if (f.type === "checkbox") values[f.key] = inputs[0].checked;
        else if (f.type === "checkboxes") values[f.key] = Array.prototype.filter.call(inputs, function (i) { return i.checked; }).map(function (i) { return i.value; });
        else if (f.type === "radio") { var c = Array.prototype.filter.call(inputs, function (i) { return i.checked; })[0]; values[f.key] = c ? c.value : null; }
        else values[f.key] = inputs[0].value;
      });
      var consent = form.querySelector('[name="consent"]');
      var body = { values: values, pageUrl: location.href, referrer: document.referrer || undefined, utm: utm(), website: form.querySelector('[name="' + def.honeypot + '"]').value };
      if (consent) body.consent = consent.checked;
      button.disabled = true;
      fetch(SUBMIT, { method: "POST", mode: "cors", credentials: "omit", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
        .then(function (res) { return res.json().catch(function () { return {}; }).then(function (data) { return { res: res, data: data }; }); })
        .then(function (r) {
          button.disabled = false;
          if (r.res.ok) {
            if (r.data.redirectUrl) { location.href = r.data.redirectUrl; return; }
            var thanks = el("p", { "class": "rapport-thanks", role: "status", tabindex: "-1" }, [r.data.thankYouMessage || def.thankYouMessage]);
            form.replaceWith(thanks);
            thanks.focus();
          } else if (r.res.status === 422 && r.data.errors) {
            showErrors(form, def, r.data.errors, prefix);
          } else if (r.res.status === 429) {
            alertBox(form, "Too many submissions from here just now. Please try again in a minute.");
          } else {
            alertBox(form, r.data.detail || "The form could not be sent. Please try again.");
          }
        })
        .catch(function () { button.disabled = false; alertBox(form, "The form could not be sent. Check your connection and try again."); });
    });
    host.textContent = "";
    host.appendChild(form);
  }

  function start() {
    var hosts = document.querySelectorAll('[data-rapport-form="' + ID + '"]');
    if (!hosts.length) return;
    if (!document.getElementById("rapport-form-css")) document.head.appendChild(el("style", { id: "rapport-form-css" }, [STYLE]));
    fetch(DEFINITION, { mode: "cors", credentials: "omit" })
      .then(function (res) { if (!res.ok) throw new Error(String(res.status)); return res.json(); })
      .then(function (def) { Array.prototype.forEach.call(hosts, function (h, n) { render(h, def, n); }); })
      .catch(function () { Array.prototype.forEach.call(hosts, function (h) { h.textContent = "This form is not available."; }); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
`;
}
