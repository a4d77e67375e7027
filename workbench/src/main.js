import "./style.css";
import { render } from "preact";
import { html } from "./lib/html.js";
import { connect } from "./lib/events.js";
import { loadApp, loadDiagnostics } from "./lib/data.js";
import { App } from "./app.js";

window.__workbench = window.__workbench || { cy: null, rendered: 0, firstRenderMs: null };

connect();
loadApp();
loadDiagnostics();
render(html`<${App} />`, document.getElementById("app"));
