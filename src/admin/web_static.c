/*
 * web_static.c - the pages' one style sheet and their little script
 * (served as files: the Content-Security-Policy allows no inline script
 * or style).  No build step, nothing downloaded.
 */
#include "web_int.h"

const char web_css[] =
"body{margin:0;font:14px/1.4 Arial,Helvetica,sans-serif;color:#222;background:#f4f4f4}\n"
"header{background:#1d3c5a;color:#fff;padding:8px 16px;display:flex;justify-content:space-between;align-items:center}\n"
"header .brand{font-weight:bold;font-size:16px}\n"
"header .who{display:flex;gap:8px;align-items:center}\n"
"header form{margin:0}\n"
"nav{background:#dfe6ee;padding:6px 16px;border-bottom:1px solid #b8c4d0}\n"
"nav a{margin-right:16px;color:#1d3c5a;text-decoration:none}\n"
"nav a.here{font-weight:bold;text-decoration:underline}\n"
"main{padding:12px 16px}\n"
"h1{font-size:18px;border-bottom:2px solid #1d3c5a;padding-bottom:4px}\n"
"h2{font-size:15px;margin-top:20px;color:#1d3c5a}\n"
"table{border-collapse:collapse;background:#fff;margin:8px 0}\n"
"th,td{border:1px solid #c8d0d8;padding:4px 8px;text-align:left;vertical-align:top}\n"
"th{background:#e8edf2}\n"
"table.fields th{width:220px}\n"
".status{border:1px solid #999;background:#fff;padding:4px 12px;margin:8px 0}\n"
".status.ok p{color:#1a6e1a}\n"
".status.error p{color:#b00020}\n"
".warn{border:1px solid #c90;background:#fff8e0;padding:6px 12px}\n"
"form.login{display:flex;flex-direction:column;gap:8px;max-width:320px}\n"
"form.find{background:#fff;border:1px solid #c8d0d8;padding:6px;display:inline-block}\n"
"button{background:#1d3c5a;color:#fff;border:0;padding:4px 12px;cursor:pointer}\n"
"textarea{font-family:monospace;width:640px;height:200px}\n"
"pre{background:#fff;border:1px solid #c8d0d8;padding:8px;overflow:auto}\n"
".cards{display:flex;gap:12px;flex-wrap:wrap}\n"
".card{background:#fff;border:1px solid #c8d0d8;padding:8px 12px;min-width:180px}\n"
".card b{display:block;font-size:22px;color:#1d3c5a}\n";

/* "Select All" for the bulk operations' check boxes. */
const char web_js[] =
"document.addEventListener('DOMContentLoaded', function () {\n"
"  var all = document.getElementById('select-all');\n"
"  if (!all) return;\n"
"  all.addEventListener('change', function () {\n"
"    document.querySelectorAll('input[name=device]').forEach(function (c) {\n"
"      c.checked = all.checked;\n"
"    });\n"
"  });\n"
"});\n";
