#!/usr/bin/env node
import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 181:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("buffer");

/***/ }),

/***/ 4434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 6698:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:async_hooks");

/***/ }),

/***/ 1421:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");

/***/ }),

/***/ 7598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 8474:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");

/***/ }),

/***/ 3024:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 1455:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");

/***/ }),

/***/ 9448:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 2467:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http2");

/***/ }),

/***/ 4708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");

/***/ }),

/***/ 8161:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");

/***/ }),

/***/ 6760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 1708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:process");

/***/ }),

/***/ 481:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:readline");

/***/ }),

/***/ 7075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 6466:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream/promises");

/***/ }),

/***/ 6193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:string_decoder");

/***/ }),

/***/ 7975:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");

/***/ }),

/***/ 8522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 2203:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("stream");

/***/ }),

/***/ 518:
/***/ ((__webpack_module__, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(__webpack_module__, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _engine_thread_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(4674);
// The workdocs-s3-sync command. The main thread starts the engine thread (engine-thread.ts says why) and takes
// its exit code; the engine thread loads the CLI itself.

await (0,_engine_thread_js__WEBPACK_IMPORTED_MODULE_0__/* .asEngineEntry */ .to)(import.meta.url, () => Promise.all(/* import() */[__nccwpck_require__.e(893), __nccwpck_require__.e(623)]).then(__nccwpck_require__.bind(__nccwpck_require__, 623)));

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 4674:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  to: () => (/* binding */ asEngineEntry),
  nA: () => (/* binding */ onInterrupt)
});

// UNUSED EXPORTS: ENGINE_HEAP_GROWING_PERCENT, ENGINE_YOUNG_GENERATION_MB, LARGE_HEAP_BYTES, boundHeapGrowthWhenLarge, isEngineThread, runOnEngineThread

;// CONCATENATED MODULE: external "node:v8"
const external_node_v8_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:v8");
;// CONCATENATED MODULE: external "node:vm"
const external_node_vm_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:vm");
;// CONCATENATED MODULE: external "node:worker_threads"
const external_node_worker_threads_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");
// EXTERNAL MODULE: ./lib/young-collection.js
var young_collection = __nccwpck_require__(1172);
;// CONCATENATED MODULE: ./lib/engine-thread.js
/**
 * The CLI and the Action run their work on a worker thread of the same process, the engine thread; the main
 * thread only starts it and waits. Why: memory. V8 sizes the main thread's young generation from the machine's
 * memory (128 MB on a 16–24 GiB machine), far more than a sync needs, and lets the old generation grow to several
 * times what is live between full collections. A GitHub Action cannot pass Node flags (`runs.using: node24` runs
 * `node dist/index.js`), but a worker's `resourceLimits` bound its young generation, and V8 reads its heap growing
 * factor at every collection. It stays one process: one pid (the prefix's lock), one stdout and stderr, one peak
 * RSS; the engine thread's exit code becomes the process's, and SIGINT/SIGTERM reach it as messages (signals are
 * delivered to the main thread only).
 *
 * This module is loaded on the main thread, so it imports nothing but Node and the dependency-free young-collection.ts: the
 * entry points load the engine with a dynamic import on the engine thread only, and the bundle's SDK code is not
 * parsed twice. On the engine thread it also arms the prompt collection of downloaded bytes (src/young-collection.ts).
 */




/**
 * The engine thread's heap: a young generation of 48 MB, and once the heap holds more than 64 MB, an old generation
 * that grows by a quarter of what a full collection left alive (V8's default: up to fourfold). Both bounds together
 * keep the no-op of 100,000 documents near 400 MB (a whole site's: 50 % let it reach 447–460 MB, 25 % 399–410 MB, for
 * the same CPU within noise); smaller heaps keep V8's default, where more collections would only cost CPU.
 * Figures: docs/performance-notes.md, "Constants and their figures".
 */
const ENGINE_YOUNG_GENERATION_MB = 48;
const ENGINE_HEAP_GROWING_PERCENT = 25;
const LARGE_HEAP_BYTES = 64 * 1024 * 1024;
const INTERRUPTS = ['SIGINT', 'SIGTERM'];
/** The engine thread's workerData, which tells it apart from other workers (a test runner's, say). */
const ENGINE_THREAD = { workdocsS3SyncEngineThread: true };
/** True on the engine thread that runOnEngineThread started. */
function isEngineThread() {
    return external_node_worker_threads_namespaceObject.parentPort !== null && external_node_worker_threads_namespaceObject.workerData?.workdocsS3SyncEngineThread === true;
}
/**
 * What the CLI's and the Action's entry points do: on the main thread, start the engine thread on `entry` (the
 * entry point's own import.meta.url) and take its exit code; on the engine thread, bound the heap's growth and
 * run `work`, which loads the engine with a dynamic import.
 */
async function asEngineEntry(entry, work) {
    if (!isEngineThread()) {
        process.exitCode = await runOnEngineThread(new URL(entry), process.argv.slice(2));
        return;
    }
    boundHeapGrowthWhenLarge();
    const collect = exposedGc();
    (0,young_collection/* armYoungCollections */.SQ)(() => collect({ type: 'minor' }));
    await work();
}
/**
 * Runs `entry` (a module URL, normally the entry point itself) on the engine thread with `argv` as its
 * `process.argv.slice(2)`, and resolves with its exit code. The first SIGINT and the first SIGTERM are passed on;
 * a second one of the same kind ends the process as usual.
 */
function runOnEngineThread(entry, argv) {
    const worker = new external_node_worker_threads_namespaceObject.Worker(entry, {
        argv: [...argv],
        workerData: ENGINE_THREAD,
        resourceLimits: { maxYoungGenerationSizeMb: ENGINE_YOUNG_GENERATION_MB },
    });
    const forward = (interrupt) => worker.postMessage({ interrupt });
    for (const interrupt of INTERRUPTS)
        process.once(interrupt, forward);
    return new Promise((resolve) => {
        let crashed = false;
        // An exception nothing caught on the engine thread: what Node prints for one on the main thread, exit 1.
        worker.on('error', (error) => {
            crashed = true;
            process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        });
        worker.once('exit', (code) => {
            for (const interrupt of INTERRUPTS)
                process.off(interrupt, forward);
            resolve(crashed && code === 0 ? 1 : code);
        });
    });
}
/**
 * On the engine thread: bounds the old generation's growth (ENGINE_HEAP_GROWING_PERCENT) once the heap holds more
 * than LARGE_HEAP_BYTES, as a run of tens of thousands of documents does. The flag is process-wide and V8 reads
 * it whenever a full collection sets the next limit; the last one may have set a limit far above (up to four times
 * what it left alive), so one full collection is made at once (only then) for the bound to hold from there on.
 */
function boundHeapGrowthWhenLarge(options = {}) {
    const timer = setInterval(() => {
        if ((0,external_node_v8_namespaceObject.getHeapStatistics)().used_heap_size <= LARGE_HEAP_BYTES)
            return;
        clearInterval(timer);
        (0,external_node_v8_namespaceObject.setFlagsFromString)(`--heap-growing-percent=${ENGINE_HEAP_GROWING_PERCENT}`);
        exposedGc()();
        options.onBound?.();
    }, options.checkEveryMs ?? 500);
    timer.unref();
}
let gc;
/**
 * V8's gc() on this thread, without the process having been started with --expose-gc (a new context sees it).
 * Made once: each call would otherwise build another vm context.
 */
function exposedGc() {
    if (gc === undefined) {
        (0,external_node_v8_namespaceObject.setFlagsFromString)('--expose-gc');
        gc = (0,external_node_vm_namespaceObject.runInNewContext)('gc');
    }
    return gc;
}
/**
 * Calls `handler` when the process is asked to stop (SIGINT or SIGTERM), on the main thread or on the engine
 * thread alike. Returns the function that stops listening.
 */
function onInterrupt(handler) {
    if (!isEngineThread()) {
        for (const interrupt of INTERRUPTS)
            process.once(interrupt, handler);
        return () => {
            for (const interrupt of INTERRUPTS)
                process.off(interrupt, handler);
        };
    }
    const port = external_node_worker_threads_namespaceObject.parentPort;
    const seen = new Set();
    const listener = (message) => {
        const interrupt = message?.interrupt;
        if (interrupt === undefined || !INTERRUPTS.includes(interrupt) || seen.has(interrupt))
            return;
        seen.add(interrupt);
        handler(interrupt);
    };
    port.on('message', listener);
    // Listening must not keep the engine thread alive once its work is done.
    port.unref();
    return () => {
        port.off('message', listener);
    };
}


/***/ }),

/***/ 1172:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   SQ: () => (/* binding */ armYoungCollections),
/* harmony export */   nB: () => (/* binding */ noteBytesDownloaded)
/* harmony export */ });
/* unused harmony export YOUNG_COLLECTION_EVERY_BYTES */
/**
 * Prompt collection of downloaded bytes. Every chunk a socket reads is a fresh ArrayBuffer whose bytes live outside
 * V8's heap; its small JS object dies young, but a scavenge comes only once the young generation fills with JS
 * objects, which moving bytes hardly allocates, and V8's external-memory trigger lets up to 64 MB of such dead
 * chunks pile up before it collects. So the engine thread (src/engine-thread.ts) arms a minor collection every
 * YOUNG_COLLECTION_EVERY_BYTES of content downloaded (figures: docs/performance-notes.md). Elsewhere (tests, a
 * library caller) nothing is armed and counting is all this does.
 */
const YOUNG_COLLECTION_EVERY_BYTES = 16 * 1024 * 1024;
let collectYoung;
let downloadedSince = 0;
/** Arms the collections with `collect` (a minor GC), or disarms them with undefined. */
function armYoungCollections(collect) {
    collectYoung = collect;
    downloadedSince = 0;
}
/** Counts `bytes` of content that arrived from a socket; collects the young generation when enough did. */
function noteBytesDownloaded(bytes) {
    if (collectYoung === undefined)
        return;
    downloadedSince += bytes;
    if (downloadedSince < YOUNG_COLLECTION_EVERY_BYTES)
        return;
    downloadedSince = 0;
    collectYoung();
}


/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId].call(module.exports, module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(518);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
