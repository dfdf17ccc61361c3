/*
 * The ranking's constants, shared by its modules (kb/assets/search/rank/).
 */
"use strict";

module.exports = {
  KIND: { article: 1, glossary: 0.45, theme: 0.35, page: 0.25 },  // what each kind of page weighs
  LEAD: 4,                  // a glossary or theme page whose name is the query
  PAGES_SHOWN: 10,          // pages whose text is fetched, ranked exactly and shown
  NEAR_PREFIX_SHARDS: 4,    // shards a word still being typed may continue into
  PREFIX_ALTERNATIVES: 40,  // words that begin with it, at most
  SLOT: 4096,               // document key: page * SLOT + passage number
  TERM: "#",                // a glossary term's token: kb/search.py TERM_PREFIX
  EXACT_FORM: 1.25,         // a passage with the word as typed, over one with only its stem
  FORMS: 4,                 // kb/search.py FORMS: the forms a posting marks
  LABEL_WORDS: 4,           // a passage this short is a label
  LABEL: 0.5                // what a label weighs, unless the query says all of it
};
