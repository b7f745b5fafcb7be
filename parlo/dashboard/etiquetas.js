// Spanish names for the server's enums (the server speaks in codes; people read these).

/** The palette the server uses for defaults (resolvers/service_colours.py), by name. */
export const COLORES = [
  ["#2563EB", "Azul"], ["#EA580C", "Naranja"], ["#7C3AED", "Morado"], ["#0D9488", "Verde azulado"], ["#DB2777", "Rosa"],
  ["#65A30D", "Verde limón"], ["#CA8A04", "Mostaza"], ["#0891B2", "Cian"], ["#DC2626", "Rojo"], ["#4B5563", "Gris"],
];

export const ESTADOS = {
  pending: "Por confirmar",
  confirmed: "Confirmada",
  completed: "Completada",
  cancelled: "Cancelada",
  no_show: "No asistió",
};

export const ORIGENES = {
  whatsapp: "WhatsApp",
  web: "Panel",
  manual: "Panel",
  walk_in: "Sin cita",
};

export const NIVELES = {
  owner: "Dueño",
  admin: "Administrador",
  staff: "Equipo",
  viewer: "Solo lectura",
};

export const ESTADOS_NEGOCIO = {
  onboarding: "En registro",
  active: "Activo",
  suspended: "Suspendido",
  churned: "Dado de baja",
};

export const WHATSAPP = {
  not_connected: "Sin conectar",
  pending: "Conectando",
  connected: "Conectado",
  failed: "Falló la conexión",
};

export const REMITENTES = {
  customer: "Cliente",
  staff: "Equipo",
  ai: "Parlo (IA)",
  system: "Sistema",
};

export const PLANES = { free: "Gratis", pro: "Profesional", premium: "Premium" };

export function etiqueta(tabla, codigo) {
  if (codigo == null) return "";
  return tabla[String(codigo).toLowerCase()] ?? "—";
}

/** "+525587654321" → "55 8765 4321" (Mexican numbers as people write them); others unchanged. */
export function telefonoLegible(e164) {
  const m = /^\+52(\d{10})$/.exec(e164 ?? "");
  if (!m) return e164 ?? "";
  const n = m[1];
  return ["55", "33", "81"].includes(n.slice(0, 2))
    ? `${n.slice(0, 2)} ${n.slice(2, 6)} ${n.slice(6)}`
    : `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`;
}

/** A wa.me link to chat with a phone from the owner's own WhatsApp ("+525511110001" → digits). */
export function enlaceWhatsApp(e164) {
  const digitos = (e164 ?? "").replace(/\D/g, "");
  return digitos ? `https://wa.me/${digitos}` : null;
}
