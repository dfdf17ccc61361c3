/*
 * The search engine's file (kb/search.py bundles it apart from the worker
 * file): messages.js and everything it requires, handed to the worker as
 * `self.kbSearchEngine` when worker.js loads it at the first query (lazy.js).
 */
"use strict";

self.kbSearchEngine = require("./messages");
