// The views' data, in the dashboard's own words: each function runs one or two operations
// from consultas.js and turns the answer into plain objects (Spanish keys, lower-case
// codes), so the views never depend on the exact shape of the GraphQL schema.

import { gql, exito } from "./api.js";
import * as Q from "./consultas.js";
import { instanteUTC } from "./fechas.js";

const codigo = (valor) => (valor == null ? null : String(valor).toLowerCase());
const mayus = (valor) => (valor == null ? null : String(valor).toUpperCase());

// ------------------------------------------------------------------ session and catalog

export async function cargarYo(tipo) {
  const me = exito((await gql(Q.YO)).me);
  if (tipo === "admin" && !me.isAdmin) throw new Error("Esta sesión no es de administrador.");
  return {
    admin: Boolean(me.isAdmin && !me.organization),
    nivel: codigo(me.permissionLevel) ?? (me.isAdmin ? "owner" : "viewer"),
    nombre: me.staff?.name ?? (me.isAdmin ? "Administrador" : ""),
    personalId: me.staff?.id ?? null,
    negocio: me.organization?.name ?? "Parlo",
    organizacionId: me.organization?.id ?? null,
    zona: me.organization?.timezone ?? "America/Mexico_City",
    suplantado: Boolean(me.impersonated),
  };
}

export async function cargarCatalogo() {
  const d = await gql(Q.CATALOGO);
  return {
    servicios: d.services.map(servicio),
    personal: d.staff.map(persona),
    lugares: d.spots.map((l) => ({ id: l.id, nombre: l.name, orden: l.displayOrder, activo: l.isActive,
      servicios: l.services.map((s) => s.id), sucursalId: l.location?.id ?? null })),
    sucursales: d.locations.map(sucursal),
  };
}

const servicio = (s) => ({ id: s.id, nombre: s.name, descripcion: s.description, duracion: s.durationMinutes,
  precio: s.priceCents, activo: s.isActive, color: s.color });
const persona = (p) => ({ id: p.id, nombre: p.name, telefono: p.phone, telefonoVisible: p.phoneDisplay,
  nivel: codigo(p.permissionLevel), activo: p.isActive, servicios: (p.services ?? []).map((s) => s.id),
  lugarId: p.defaultSpot?.id ?? null, horarioElegido: p.hoursChosen !== false,
  // Their own weekly ranges; none (with hours chosen) means "igual que el negocio".
  horas: (p.weeklyHours ?? []).map((r) => ({ dia: r.weekday, desde: r.start.slice(0, 5), hasta: r.end.slice(0, 5) })) });
const sucursal = (l) => ({ id: l.id, nombre: l.name, direccion: l.address, principal: l.isPrimary, activa: l.isActive,
  horario: l.businessHours.map((d) => ({ dia: d.weekday, cerrado: d.closed, rangos: d.ranges.map((r) => [r.opens, r.closes]) })),
  diasCerrados: l.closedDays ?? [] });

// ------------------------------------------------------------------ schedule

const cita = (a) => a && ({
  id: a.id, ini: a.startsAt, fin: a.endsAt, estado: codigo(a.status), origen: codigo(a.source), precio: a.priceCents,
  notas: a.notes, motivoCancelacion: a.cancellationReason,
  // A rebooking plan found no place for it: the customer was offered other times (issue 24).
  nuevaHora: Boolean(a.needsNewTime),
  cliente: a.customer && { id: a.customer.id, nombre: a.customer.name, telefono: a.customer.phone, telefonoVisible: a.customer.phoneDisplay },
  servicio: a.service && { id: a.service.id, nombre: a.service.name, duracion: a.service.durationMinutes },
  personal: a.staff && { id: a.staff.id, nombre: a.staff.name },
  lugar: a.spot && { id: a.spot.id, nombre: a.spot.name },
});

const TIPOS = { appointment: "cita", block: "bloqueo", free: "libre" };

export async function cargarDia(fecha, { personal, sucursal: sucursalId }) {
  const d = exito((await gql(Q.DIA, { date: fecha, staffId: personal || null, locationId: sucursalId || null })).schedule);
  return {
    fecha: d.date,
    cerrado: d.closed,
    horario: d.businessHours.map((r) => ({ ini: r.startsAt, fin: r.endsAt })),
    personal: d.staff.map((s) => ({
      id: s.staff.id, nombre: s.staff.name,
      trabajo: s.workingHours.map((r) => ({ ini: r.startsAt, fin: r.endsAt })),
      items: s.entries.map((e) => ({
        tipo: TIPOS[codigo(e.kind)] ?? "libre", ini: e.startsAt, fin: e.endsAt, motivo: e.reason ?? e.block?.reason ?? null,
        cita: cita(e.appointment),
        bloqueo: e.block && { id: e.block.id, todos: e.block.wholeLocation },
      })),
    })),
  };
}

/** Appointments between two local dates [desde, hasta), or of one customer; every page. */
export async function cargarCitas({ desde, hasta, personal, servicio: servicioId, estado, cliente, ligera }, zona) {
  const variables = {
    from: desde ? instanteUTC(desde, "00:00", zona) : null,
    to: hasta ? instanteUTC(hasta, "00:00", zona) : null,
    staffId: personal || null, serviceId: servicioId || null,
    status: estado ? [mayus(estado)] : null, customerId: cliente || null, first: 200, after: null,
  };
  const todas = [];
  for (let vuelta = 0; vuelta < 20; vuelta += 1) {
    const pagina = (await gql(ligera ? Q.CITAS_SEMANA : Q.CITAS, variables)).appointments;
    todas.push(...pagina.nodes.map(cita));
    if (!pagina.pageInfo.hasNextPage) break;
    variables.after = pagina.pageInfo.endCursor;
  }
  return todas;
}

/** Day totals, from the owner's WhatsApp figures (one resolver: the numbers always agree). */
export async function cargarCifras(desde, hasta, personal) {
  const f = exito((await gql(Q.CIFRAS, { firstDay: desde, lastDay: hasta || null, staffId: personal || null })).dayFigures);
  return {
    citas: f.appointments, completadas: f.completed, noAsistio: f.noShows, pendientes: f.scheduled,
    ingresos: f.revenueCents, esperado: f.expectedRevenueCents,
    porPersona: f.byStaff.map((s) => ({ id: s.staffId, nombre: s.name, citas: s.appointments })),
  };
}

/** Visits a rebooking plan left behind that still need a new time, soonest first. */
export async function cargarPorReacomodar() {
  return (await gql(Q.POR_REACOMODAR)).appointmentsNeedingNewTime
    .map((a) => ({ ...cita({ ...a, needsNewTime: true }), desde: a.needsNewTimeSince }));
}

export async function cargarCita(id) {
  return cita(exito((await gql(Q.CITA_UNA, { id })).appointment));
}

export async function cargarBloqueos(desde, hasta, zona, personal) {
  const d = await gql(Q.BLOQUEOS, { from: instanteUTC(desde, "00:00", zona), to: instanteUTC(hasta, "00:00", zona),
    staffId: personal || null });
  return d.blocks.map((b) => ({ id: b.id, ini: b.startsAt, fin: b.endsAt, motivo: b.reason, todos: b.wholeLocation,
    personalNombre: b.staff?.name ?? null }));
}

/** Free starts that day; `moviendo`: the appointment being moved, whose own time counts as free. */
export async function horariosLibres({ servicio: servicioId, personal, lugar, fecha, moviendo }, zona) {
  const [y, m, d] = fecha.split("-").map(Number);
  const siguiente = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
  const r = await gql(Q.HORARIOS, { serviceIds: [servicioId], from: instanteUTC(fecha, "00:00", zona),
    to: instanteUTC(siguiente, "00:00", zona), staffId: personal || null, spotId: lugar || null, limit: 200,
    movingAppointmentId: moviendo || null });
  const vistos = new Set();
  return r.availableSlots
    .map((s) => ({ ini: s.start, fin: s.end, personalId: s.staffId, lugarId: s.spotId }))
    .filter((s) => {
      // One button per start time (per person when nobody was chosen).
      const clave = `${s.ini}|${personal ? "" : s.personalId}`;
      if (vistos.has(clave)) return false;
      vistos.add(clave);
      return true;
    });
}

// ------------------------------------------------------------------ actions

export async function agendar({ telefono, nombre, servicio: servicioId, personal, lugar, ini, notas, sucursal: sucursalId }) {
  const input = { serviceIds: [servicioId], start: ini, customerPhone: telefono, customerName: nombre,
    staffId: personal, spotId: lugar, notes: notas, source: "WEB", locationId: sucursalId };
  for (const k of Object.keys(input)) if (input[k] == null) delete input[k];
  const r = exito((await gql(Q.AGENDAR, { input })).bookAppointment);
  return { ini: r.startsAt, aviso: r.planWarning };
}

export async function registrarSinCita({ nombre, telefono, servicio: servicioId, personal, notas }) {
  const input = { serviceIds: [servicioId], customerName: nombre, customerPhone: telefono, staffId: personal, notes: notas };
  for (const k of Object.keys(input)) if (input[k] == null) delete input[k];
  const r = exito((await gql(Q.SIN_CITA, { input })).bookWalkIn);
  return { ini: r.startsAt, personalNombre: r.appointments[0]?.staff?.name ?? null };
}

export async function reprogramar(id, { ini, personal, lugar, avisar }) {
  exito((await gql(Q.REPROGRAMAR, { id, start: ini, staffId: personal, spotId: lugar, notifyCustomer: avisar })).rescheduleAppointment);
}

export async function cancelar(id, motivo, avisar) {
  exito((await gql(Q.CANCELAR, { id, reason: motivo, notifyCustomer: avisar })).cancelAppointment);
}

export async function marcar(id, estado) {
  exito((await gql(Q.MARCAR, { id, status: mayus(estado) })).markAppointment);
}

export async function guardarNotasCita(id, notas) {
  return exito((await gql(Q.NOTAS_CITA, { id, notes: notas || null })).setAppointmentNotes).notes;
}

export async function bloquear({ ini, fin, personal, motivo }) {
  const input = { start: ini, end: fin, staffId: personal, reason: motivo };
  for (const k of Object.keys(input)) if (input[k] == null) delete input[k];
  const r = exito((await gql(Q.BLOQUEAR, { input })).blockTime);
  return { id: r.block.id, encimadas: r.overlapping.map(cita) };
}

export async function quitarBloqueo(id) {
  exito((await gql(Q.QUITAR_BLOQUEO, { id })).removeBlock);
}

// ------------------------------------------------------------------ rebooking (issue 8)

/** The server's plan to move what a block or an absence displaced; nothing moves until applied. */
export async function sugerirRebooking({ bloqueoId, personal, fecha, hasta, bloquear, motivo }) {
  const input = bloqueoId
    ? { kind: "STAFF_BLOCK", blockId: bloqueoId }
    : { kind: "STAFF_OUT", staffId: personal, firstDay: fecha, lastDay: hasta || fecha, writeBlock: Boolean(bloquear),
      reason: motivo || null };
  const p = exito((await gql(Q.SUGERIR_REBOOKING, { input })).suggestRebooking);
  const lugar = (l) => ({ ini: l.startsAt, fin: l.endsAt, personal: l.staffName, lugar: l.spotName });
  return {
    id: p.id,
    vence: p.expiresAt ?? null,
    movimientos: p.moves.map((m) => ({ id: m.id, citaId: m.appointmentId, cliente: m.customerName, servicio: m.serviceName,
      antes: lugar(m.before), despues: lugar(m.after), afectada: m.affected, aplicada: Boolean(m.appliedAt) })),
    sinLugar: p.unplaceable.map((u) => ({ citaId: u.appointmentId, cliente: u.customerName, servicio: u.serviceName,
      personal: u.staffName, ini: u.startsAt, motivo: u.message })),
    cifras: { afectadas: p.figures.affected, mismoDia: p.figures.keptOnDay, sinLugar: p.figures.unplaced },
  };
}

/** Apply chosen moves; returns the refused ones (with the server's Spanish reason). */
export async function aplicarMovimientos(planId, ids) {
  const r = exito((await gql(Q.APLICAR_REBOOKING, { planId, moveIds: ids })).applyRebooking);
  return { aplicadas: r.applied.map((m) => m.id), rechazadas: r.refused.map((x) => ({ id: x.moveId, motivo: x.message })) };
}

// ------------------------------------------------------------------ customers

const cliente = (c) => ({ id: c.id, nombre: c.name, telefono: c.phone, telefonoVisible: c.phoneDisplay, notas: c.notes });

export async function buscarClientes(texto) {
  const d = await gql(Q.CLIENTES, { search: texto || null, first: 50 });
  return d.customers.nodes.map(cliente);
}

export async function cargarCliente(id) {
  return cliente(exito((await gql(Q.CLIENTE, { id })).customer));
}

export async function guardarCliente(id, { nombre, notas }) {
  exito((await gql(Q.GUARDAR_CLIENTE, { id, input: { name: nombre || null, notes: notas || null } })).updateCustomer);
}

// ------------------------------------------------------------------ settings

export async function cargarNegocio() {
  const o = exito((await gql(Q.NEGOCIO)).organization);
  return {
    nombre: o.name, zona: o.timezone, whatsappNumero: o.whatsappNumber, whatsappEstado: codigo(o.whatsappStatus),
    plan: o.plan,
    uso: o.usage && { usadas: o.usage.bookingsUsed, limite: o.usage.limit, mes: o.usage.month, mensaje: o.usage.message },
  };
}

export async function guardarNegocio({ nombre, zona }) {
  exito((await gql(Q.GUARDAR_NEGOCIO, { input: { name: nombre, timezone: zona } })).updateOrganization);
}

export async function cargarSucursales() {
  return (await gql(Q.SUCURSALES)).locations.map(sucursal);
}

export async function guardarSucursal(id, { nombre, direccion }) {
  const input = { name: nombre, address: direccion || null };
  if (id) exito((await gql(Q.EDITAR_SUCURSAL, { id, input })).updateLocation);
  else exito((await gql(Q.CREAR_SUCURSAL, { input })).createLocation);
}

export async function guardarHorario(sucursalId, dias, cerrados) {
  const hours = dias.flatMap((d) => d.rangos.map(([a, c]) => ({ weekday: d.dia, start: a, end: c })));
  exito((await gql(Q.HORARIO_NEGOCIO, { hours, closedDays: cerrados, locationId: sucursalId })).setBusinessHours);
}

export async function guardarServicio(id, { nombre, duracion, precio, descripcion, activo, color }) {
  const base = { name: nombre, durationMinutes: duracion, priceCents: precio, description: descripcion || null };
  if (color) base.color = color;
  if (id) exito((await gql(Q.EDITAR_SERVICIO, { id, input: { ...base, isActive: activo } })).updateService);
  else {
    exito((await gql(Q.CREAR_SERVICIO, { input: base })).createService);
  }
}

export async function borrarServicio(id) {
  exito((await gql(Q.BORRAR_SERVICIO, { id })).deleteService);
}

export async function guardarPersonal(id, { nombre, telefono, nivel, lugar, servicios, horario }) {
  const input = { name: nombre, phone: telefono, permissionLevel: mayus(nivel), serviceIds: servicios,
    defaultSpotId: lugar || null };
  if (id) exito((await gql(Q.EDITAR_PERSONA, { id, input })).updateStaffMember);
  else exito((await gql(Q.CREAR_PERSONA, { input: { ...input, sameHoursAsBusiness: horario === "negocio" } })).createStaffMember);
}

export async function activarPersonal(id, activo) {
  exito((await gql(Q.EDITAR_PERSONA, { id, input: { isActive: activo } })).updateStaffMember);
}

/** Save a person's weekly ranges (several a day allowed); an empty list means "igual que el negocio". */
export async function guardarHorasPersonal(staffId, rangos) {
  const hours = rangos.map((r) => ({ weekday: r.dia, start: r.desde, end: r.hasta }));
  exito((await gql(Q.GUARDAR_HORAS, { staffId, hours })).setRecurringAvailability);
}

export async function guardarLugar(id, { nombre, servicios, activo, orden, sucursal: sucursalId }) {
  const input = { name: nombre, serviceIds: servicios, isActive: activo, displayOrder: orden };
  for (const k of Object.keys(input)) if (input[k] === undefined) delete input[k];
  if (id) exito((await gql(Q.EDITAR_LUGAR, { id, input })).updateSpot);
  else {
    delete input.isActive;
    if (sucursalId) input.locationId = sucursalId;
    exito((await gql(Q.CREAR_LUGAR, { input })).createSpot);
  }
}

export async function borrarLugar(id) {
  exito((await gql(Q.BORRAR_LUGAR, { id })).deleteSpot);
}

// ------------------------------------------------------------------ admin

export async function cargarEstadisticas() {
  const s = exito((await gql(Q.ESTADISTICAS)).platformStats);
  return { negocios: s.organizations, citas: s.appointments, clientes: s.customers, mensajes: s.messages, equipo: s.staff,
    porEstado: s.organizationsByStatus.map((e) => ({ estado: codigo(e.status), cuantos: e.count })) };
}

export const POR_PAGINA_ORGANIZACIONES = 100;

/** One page of organizations (`despues`: the cursor of the page before); `siguiente` is null on the last. */
export async function cargarOrganizaciones({ busqueda, estado, despues = null, cuantas = POR_PAGINA_ORGANIZACIONES }) {
  const d = (await gql(Q.ORGANIZACIONES, { search: busqueda || null, status: estado ? mayus(estado) : null,
    first: cuantas, after: despues })).organizations;
  return {
    total: d.totalCount,
    siguiente: d.pageInfo.hasNextPage ? d.pageInfo.endCursor : null,
    lista: d.nodes.map((o) => ({
      id: o.id, nombre: o.name, tipo: o.businessType, estado: codigo(o.status), plan: o.plan,
      whatsappEstado: codigo(o.whatsappStatus), creada: o.createdAt, equipo: o.staffCount, clientes: o.customerCount,
      citas: o.appointmentCount, sucursales: o.locations.map((l) => ({ nombre: l.name, direccion: l.address })),
    })),
  };
}

/** Every organization's id and name, page after page (the conversations filter). */
export async function nombresDeOrganizaciones() {
  const todas = [];
  let despues = null;
  for (let vuelta = 0; vuelta < 100; vuelta += 1) {
    const pagina = (await gql(Q.NOMBRES_ORGANIZACIONES, { first: 200, after: despues })).organizations;
    todas.push(...pagina.nodes.map((o) => ({ id: o.id, nombre: o.name })));
    if (!pagina.pageInfo.hasNextPage) break;
    despues = pagina.pageInfo.endCursor;
  }
  return todas;
}

/** "Cerrar sesión en todos los dispositivos" (default: mine); returns the server's Spanish message. */
export async function salirEnTodos(personalId = null) {
  return exito((await gql(Q.SALIR_EN_TODOS, { staffId: personalId })).signOutEverywhere).message;
}

export async function cambiarEstadoOrganizacion(id, estado) {
  exito((await gql(Q.ESTADO_ORGANIZACION, { id, status: mayus(estado) })).setOrganizationStatus);
}

export async function entrarComo(organizacionId) {
  return exito((await gql(Q.SUPLANTAR, { organizationId: organizacionId })).impersonate).token;
}

const conversacionBase = (c) => ({ id: c.id, telefonoVisible: c.phoneDisplay, estado: codigo(c.status),
  nombre: c.customer?.name ?? c.staff?.name ?? c.profileName ?? null, organizacionId: c.organizationId,
  ultimo: c.lastMessageAt });

export async function cargarConversaciones(organizacionId) {
  const d = await gql(Q.CONVERSACIONES, { organizationId: organizacionId, first: 100 });
  return d.conversations.nodes.map(conversacionBase);
}

export async function cargarConversacion(id) {
  const c = exito((await gql(Q.CONVERSACION, { id })).conversation);
  return { ...conversacionBase(c), mensajes: c.messages.map((m) => ({ id: m.id, texto: m.body,
    saliente: codigo(m.direction) === "outbound", remitente: codigo(m.senderType), creado: m.createdAt })) };
}

export async function cargarActividad() {
  const d = await gql(Q.ACTIVIDAD, { first: 100 });
  return d.activity.map((e) => ({ id: e.id, resumen: e.sentence, creado: e.createdAt,
    organizacion: e.organization && { id: e.organization.id, nombre: e.organization.name } }));
}
