// Customers: search by name or phone, details, notes, and their appointment history.

import { h, replace, campo, avisar, cajaError } from "../dom.js";
import { fechaLarga, fechaLocal, hora, dinero } from "../fechas.js";
import { ESTADOS, etiqueta, enlaceWhatsApp } from "../etiquetas.js";
import { buscarClientes, cargarCliente, guardarCliente, cargarCitas } from "../datos.js";

export async function vistaClientes(principal, params, app) {
  const busqueda = h("input", { type: "search", value: params.get("q") ?? "", placeholder: "Nombre o teléfono",
    autocomplete: "off" });
  const resultados = h("section", { "aria-live": "polite", "aria-label": "Clientes" });
  const buscar = async () => {
    try {
      const clientes = await buscarClientes(busqueda.value.trim());
      replace(resultados, clientes.length ? h("table", { class: "tabla" },
        h("caption", { class: "oculto-visual" }, "Clientes"),
        h("thead", {}, h("tr", {}, ["Nombre", "Teléfono", "Notas"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, clientes.map((c) => h("tr", {},
          h("td", { "data-titulo": "Nombre" }, h("a", { href: `#/clientes/${c.id}` }, c.nombre ?? "Sin nombre")),
          h("td", { "data-titulo": "Teléfono" }, c.telefonoVisible ?? c.telefono),
          h("td", { "data-titulo": "Notas" }, c.notas ?? "")))))
        : h("p", { class: "vacio" }, busqueda.value ? "No encontramos clientes con eso." : "Todavía no hay clientes."));
    } catch (e) {
      replace(resultados, h("div", { class: "error", role: "alert" }, h("p", {}, e.message)));
    }
  };
  let espera;
  busqueda.addEventListener("input", () => { clearTimeout(espera); espera = setTimeout(buscar, 250); });
  replace(principal, h("h1", {}, "Clientes"),
    h("form", { role: "search", onsubmit: (e) => { e.preventDefault(); buscar(); } }, campo("Buscar cliente", busqueda)),
    resultados);
  await buscar();
}

export async function vistaCliente(principal, params, app) {
  const zona = app.zona;
  const cliente = await cargarCliente(params.get("_id"));
  const nombre = h("input", { type: "text", value: cliente.nombre ?? "" });
  const notas = h("textarea", { rows: 3, value: cliente.notas ?? "" });
  const error = cajaError();
  const guardar = h("button", { type: "submit", class: "primario" }, "Guardar");
  const puede = app.yo.nivel !== "viewer";
  const formulario = h("form", { class: "tarjeta" },
    h("p", {}, h("a", { href: "#/clientes" }, "‹ Clientes")),
    h("h1", {}, cliente.nombre ?? "Sin nombre"),
    h("p", {}, `WhatsApp: ${cliente.telefonoVisible ?? cliente.telefono} `,
      h("a", { class: "boton chico", href: enlaceWhatsApp(cliente.telefono), target: "_blank", rel: "noopener noreferrer" },
        "Escribirle por WhatsApp")),
    campo("Nombre", nombre), campo("Notas", notas, "Solo las ve tu equipo."),
    error, puede ? h("div", { class: "fila derecha" }, guardar) : null);
  if (!puede) { nombre.readOnly = true; notas.readOnly = true; }
  formulario.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.ocultar();
    guardar.disabled = true;
    try {
      await guardarCliente(cliente.id, { nombre: nombre.value, notas: notas.value });
      avisar("Cliente guardado.");
    } catch (err) {
      error.mostrar(err.message);
    } finally {
      guardar.disabled = false;
    }
  });
  const historial = h("section", { class: "tarjeta", "aria-labelledby": "titulo-historial" }, h("h2", { id: "titulo-historial" }, "Historial de citas"));
  replace(principal, formulario, historial);
  try {
    const citas = await cargarCitas({ cliente: cliente.id }, zona);
    citas.sort((a, b) => b.ini.localeCompare(a.ini));
    historial.append(citas.length ? h("ul", { class: "lista-simple" }, citas.map((c) => h("li", {},
      h("a", { href: `#/cita/${c.id}` }, `${fechaLarga(fechaLocal(c.ini, zona))}, ${hora(c.ini, zona)}`),
      ` · ${c.servicio?.nombre ?? ""} con ${c.personal?.nombre ?? ""} · ${dinero(c.precio)} `,
      h("span", { class: ["estado", c.estado] }, etiqueta(ESTADOS, c.estado)))))
      : h("p", { class: "vacio" }, "Sin citas todavía."));
  } catch (e) {
    historial.append(h("div", { class: "error", role: "alert" }, h("p", {}, e.message)));
  }
}
