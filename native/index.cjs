// The built addon, or the reason there is none (ganstream then runs on the plain wasm backend).
'use strict';
try {
  module.exports = { addon: require('./build/Release/ganstream_blas.node'), why: null };
} catch (e) {
  module.exports = { addon: null, why: `ganstream-blas is not built (${String(e.message).split('\n')[0]})` };
}
