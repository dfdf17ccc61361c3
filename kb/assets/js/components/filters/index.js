// Filters of the article index (/articles/): by theme, discipline, author
// and words, without leaving the page. The list is complete without script;
// the filters' place is kept until they work (kb.css), so nothing moves
// when they appear. ?theme=, ?discipline= and ?author= in the address
// preselect a filter (the disciplines page links that way).
"use strict";

var filterState = require("./state");

function field(form, name) {
  return form.querySelector('[name="' + name + '"]');
}

// next(state) whenever the form changes, and once at the start.
function watchFilters(form, next) {
  function read() {
    var values = {};
    filterState.NAMES.concat("words").forEach(function (name) { values[name] = field(form, name).value; });
    next(filterState.fromValues(values));
  }
  function submit(event) { event.preventDefault(); }
  form.addEventListener("input", read);
  form.addEventListener("change", read);
  form.addEventListener("submit", submit);
  read();
  return function () {
    form.removeEventListener("input", read);
    form.removeEventListener("change", read);
    form.removeEventListener("submit", submit);
  };
}

// `root`: the .kb-index block; `search`: the address's query string.
function mountFilters(root, search) {
  var form = root.querySelector(".kb-index__filters");
  var count = root.querySelector(".kb-index__count");
  var items = [].map.call(root.querySelectorAll(".kb-article-list > li"), function (li) {
    return {
      el: li, themes: li.dataset.themes, disciplines: li.dataset.disciplines,
      author: li.dataset.author, text: li.textContent.toLowerCase()
    };
  });
  var preset = filterState.fromSearch(search);
  filterState.NAMES.forEach(function (name) {
    if (preset[name]) field(form, name).value = preset[name];
  });
  var component = { ref: root, state: { filters: null, shown: items.length } };
  component.unmount = watchFilters(form, function (filters) {
    var shown = 0;
    items.forEach(function (item) {
      var ok = filterState.matches(item, filters);
      item.el.hidden = !ok;
      if (ok) shown += 1;
    });
    count.textContent = filterState.countLabel(shown, items.length);
    root.setAttribute("data-kb-shown", String(shown));
    component.state.filters = filters;
    component.state.shown = shown;
  });
  root.setAttribute("data-kb-ready", "");
  return component;
}

module.exports = { watchFilters: watchFilters, mountFilters: mountFilters };
