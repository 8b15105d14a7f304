export const id = 243;
export const ids = [243];
export const modules = {

/***/ 243:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   readApiTokenSettings: () => (/* reexport safe */ _chunk_MJPXMWPO_js__WEBPACK_IMPORTED_MODULE_1__.b)
/* harmony export */ });
/* harmony import */ var node_module__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(995);
/* harmony import */ var _chunk_MJPXMWPO_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(60);
/* harmony import */ var _chunk_KWTO4ZFG_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(112);
/* harmony import */ var _chunk_PU47XC3K_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(362);
/* harmony import */ var _chunk_LVKEIE3P_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(73);
const require=(0,node_module__WEBPACK_IMPORTED_MODULE_0__.createRequire)(import.meta.url);



/***/ })

};
