// Every GraphQL operation the dashboard sends, in one place, written against
// schema/schema.graphql. Mutation results are unions: `... on Problem { message }`
// catches every expected failure (with its Spanish message) in one line.

const PROBLEMA = "__typename ... on Problem { message }";

const CITA = `
  id startsAt endsAt status source priceCents notes cancellationReason needsNewTime
  customer { id name phone phoneDisplay }
  service { id name durationMinutes }
  staff { id name }
  spot { id name }`;

const PERSONA = `id name phone phoneDisplay permissionLevel isActive hoursChosen services { id } defaultSpot { id }
  weeklyHours { weekday start end }`;

// ------------------------------------------------------------------ sign-in

export const PEDIR_LIGA = `mutation PedirLiga($phone: String!) {
  requestMagicLink(phone: $phone) { ${PROBLEMA} ... on MagicLinkRequested { message } } }`;

export const CANJEAR_LIGA = `mutation CanjearLiga($token: String!) {
  verifyMagicLink(token: $token) { ${PROBLEMA} ... on StaffSession { token expiresAt } } }`;

// "Cerrar sesión en todos los dispositivos": every session of that person ends (default: mine).
export const SALIR_EN_TODOS = `mutation SalirEnTodos($staffId: ID) {
  signOutEverywhere(staffId: $staffId) { ${PROBLEMA} ... on SignedOutEverywhere { staffId message } } }`;

export const ENTRAR_ADMIN = `mutation EntrarAdmin($password: String!) {
  adminLogin(password: $password) { ${PROBLEMA} ... on AdminSession { token expiresAt } } }`;

export const YO = `query Yo { me { ${PROBLEMA} ... on Me {
  kind permissionLevel impersonated isAdmin
  staff { id name }
  organization { id name timezone } } } }`;

// ------------------------------------------------------------------ catalog

export const CATALOGO = `query Catalogo {
  services(includeInactive: true) { id name description durationMinutes priceCents isActive color }
  staff(includeInactive: true) { ${PERSONA} }
  spots(includeInactive: true) { id name displayOrder isActive services { id } location { id } }
  locations { id name address isPrimary isActive businessHours { weekday closed ranges { opens closes } } } }`;

// ------------------------------------------------------------------ schedule

export const DIA = `query Dia($date: Date!, $staffId: ID, $locationId: ID) {
  schedule(date: $date, staffId: $staffId, locationId: $locationId) {
    ${PROBLEMA}
    ... on DaySchedule {
      date closed timezone
      businessHours { startsAt endsAt }
      staff {
        staff { id name }
        workingHours { startsAt endsAt }
        entries { kind startsAt endsAt reason
          appointment { ${CITA} }
          block { id reason wholeLocation } } } } } }`;

// No totalCount: every page would pay a COUNT for a number nobody reads.
const citas = (nombre, campos) => `query ${nombre}($from: DateTime, $to: DateTime, $staffId: ID, $serviceId: ID,
    $status: [AppointmentStatus!], $customerId: ID, $first: Int, $after: String) {
  appointments(from: $from, to: $to, staffId: $staffId, serviceId: $serviceId, status: $status,
      customerId: $customerId, first: $first, after: $after) {
    nodes { ${campos} } pageInfo { hasNextPage endCursor } } }`;
export const CITAS = citas("Citas", CITA);
// What the week grid draws, nothing more (a week of ten stylists is ~400 appointments).
export const CITAS_SEMANA = citas("CitasSemana", `id startsAt endsAt status needsNewTime
  customer { id name } service { id name } staff { id name }`);

// Visits a rebooking plan could not place, still waiting (not moved, not cancelled): issue 24.
export const POR_REACOMODAR = `query PorReacomodar {
  appointmentsNeedingNewTime(first: 100) { id startsAt endsAt status needsNewTimeSince
    customer { id name phone phoneDisplay } service { id name } staff { id name } } }`;

// The same figures the owner gets on WhatsApp ("¿cuánto llevo hoy?"): resolvers/stats.py.
export const CIFRAS = `query Cifras($firstDay: Date!, $lastDay: Date, $staffId: ID) {
  dayFigures(firstDay: $firstDay, lastDay: $lastDay, staffId: $staffId) { ${PROBLEMA} ... on Figures {
    appointments completed noShows scheduled revenueCents expectedRevenueCents
    byStaff { staffId name appointments completed noShows revenueCents } } } }`;

export const CITA_UNA = `query Cita($id: ID!) { appointment(id: $id) { ${PROBLEMA} ... on Appointment { ${CITA} } } }`;

export const BLOQUEOS = `query Bloqueos($from: DateTime!, $to: DateTime!, $staffId: ID) {
  blocks(from: $from, to: $to, staffId: $staffId) { id startsAt endsAt reason wholeLocation staff { id name } } }`;

export const HORARIOS = `query Horarios($serviceIds: [ID!]!, $from: DateTime!, $to: DateTime!, $staffId: ID, $spotId: ID, $limit: Int,
    $movingAppointmentId: ID) {
  availableSlots(serviceIds: $serviceIds, from: $from, to: $to, staffId: $staffId, spotId: $spotId, limit: $limit,
      movingAppointmentId: $movingAppointmentId) {
    start end staffId spotId } }`;

// ------------------------------------------------------------------ actions

const RESERVA = `... on Booking { startsAt planWarning appointments { id startsAt staff { id name } } }`;
const ALTERNATIVAS = `... on SlotTaken { alternatives { start end staffId spotId } }`;

export const AGENDAR = `mutation Agendar($input: BookAppointmentInput!) {
  bookAppointment(input: $input) { ${PROBLEMA} ${RESERVA} ${ALTERNATIVAS} } }`;

export const SIN_CITA = `mutation SinCita($input: BookWalkInInput!) {
  bookWalkIn(input: $input) { ${PROBLEMA} ${RESERVA} ${ALTERNATIVAS} } }`;

export const REPROGRAMAR = `mutation Reprogramar($id: ID!, $start: DateTime!, $staffId: ID, $spotId: ID, $notifyCustomer: Boolean) {
  rescheduleAppointment(id: $id, start: $start, staffId: $staffId, spotId: $spotId, notifyCustomer: $notifyCustomer) {
    ${PROBLEMA} ${RESERVA} ${ALTERNATIVAS} } }`;

export const CANCELAR = `mutation Cancelar($id: ID!, $reason: String, $notifyCustomer: Boolean) {
  cancelAppointment(id: $id, reason: $reason, notifyCustomer: $notifyCustomer) { ${PROBLEMA} ... on Appointment { id status } } }`;

export const MARCAR = `mutation Marcar($id: ID!, $status: AppointmentStatus!) {
  markAppointment(id: $id, status: $status) { ${PROBLEMA} ... on Appointment { id status } } }`;

export const NOTAS_CITA = `mutation NotasCita($id: ID!, $notes: String) {
  setAppointmentNotes(id: $id, notes: $notes) { ${PROBLEMA} ... on Appointment { id notes } } }`;

export const BLOQUEAR = `mutation Bloquear($input: BlockTimeInput!) {
  blockTime(input: $input) { ${PROBLEMA} ... on TimeBlocked { block { id } overlapping { ${CITA} } } } }`;

export const QUITAR_BLOQUEO = `mutation QuitarBloqueo($id: ID!) { removeBlock(id: $id) { ${PROBLEMA} } }`;

// ------------------------------------------------------------------ customers

export const CLIENTES = `query Clientes($search: String, $first: Int) {
  customers(search: $search, first: $first) { nodes { id name phone phoneDisplay notes } } }`;

export const CLIENTE = `query Cliente($id: ID!) {
  customer(id: $id) { ${PROBLEMA} ... on Customer { id name phone phoneDisplay notes } } }`;

export const GUARDAR_CLIENTE = `mutation GuardarCliente($id: ID!, $input: UpdateCustomerInput!) {
  updateCustomer(id: $id, input: $input) { ${PROBLEMA} } }`;

// ------------------------------------------------------------------ settings

export const NEGOCIO = `query Negocio { organization { ${PROBLEMA} ... on Organization {
  id name timezone whatsappNumber whatsappStatus plan
  usage { bookingsUsed limit month message } } } }`;

export const GUARDAR_NEGOCIO = `mutation GuardarNegocio($input: UpdateOrganizationInput!) {
  updateOrganization(input: $input) { ${PROBLEMA} } }`;

export const SUCURSALES = `query Sucursales { locations { id name address isPrimary isActive
  businessHours { weekday closed ranges { opens closes } } closedDays } }`;

export const CREAR_SUCURSAL = `mutation CrearSucursal($input: CreateLocationInput!) { createLocation(input: $input) { ${PROBLEMA} } }`;
export const EDITAR_SUCURSAL = `mutation EditarSucursal($id: ID!, $input: UpdateLocationInput!) { updateLocation(id: $id, input: $input) { ${PROBLEMA} } }`;
export const HORARIO_NEGOCIO = `mutation HorarioNegocio($hours: [WeeklyHoursInput!]!, $closedDays: [Date!], $locationId: ID) {
  setBusinessHours(hours: $hours, closedDays: $closedDays, locationId: $locationId) { ${PROBLEMA} } }`;

export const CREAR_SERVICIO = `mutation CrearServicio($input: CreateServiceInput!) { createService(input: $input) { ${PROBLEMA} } }`;
export const EDITAR_SERVICIO = `mutation EditarServicio($id: ID!, $input: UpdateServiceInput!) { updateService(id: $id, input: $input) { ${PROBLEMA} } }`;
export const BORRAR_SERVICIO = `mutation BorrarServicio($id: ID!) { deleteService(id: $id) { ${PROBLEMA} } }`;

export const CREAR_PERSONA = `mutation CrearPersona($input: CreateStaffMemberInput!) { createStaffMember(input: $input) { ${PROBLEMA} } }`;
export const EDITAR_PERSONA = `mutation EditarPersona($id: ID!, $input: UpdateStaffMemberInput!) { updateStaffMember(id: $id, input: $input) { ${PROBLEMA} } }`;
export const GUARDAR_HORAS = `mutation GuardarHoras($staffId: ID!, $hours: [WeeklyHoursInput!]!) {
  setRecurringAvailability(staffId: $staffId, hours: $hours) { ${PROBLEMA} } }`;

export const CREAR_LUGAR = `mutation CrearLugar($input: CreateSpotInput!) { createSpot(input: $input) { ${PROBLEMA} } }`;
export const EDITAR_LUGAR = `mutation EditarLugar($id: ID!, $input: UpdateSpotInput!) { updateSpot(id: $id, input: $input) { ${PROBLEMA} } }`;
export const BORRAR_LUGAR = `mutation BorrarLugar($id: ID!) { deleteSpot(id: $id) { ${PROBLEMA} } }`;

// ------------------------------------------------------------------ admin

export const ESTADISTICAS = `query Estadisticas { platformStats { ${PROBLEMA} ... on PlatformStats {
  organizations appointments customers messages staff organizationsByStatus { status count } } } }`;

// A page at a time (cursor paging): a platform with more than a page of businesses shows "Mostrar más".
export const ORGANIZACIONES = `query Organizaciones($search: String, $status: OrganizationStatus, $first: Int, $after: String) {
  organizations(search: $search, status: $status, first: $first, after: $after) {
    nodes { id name businessType status plan whatsappStatus createdAt staffCount customerCount appointmentCount
      locations { id name address } }
    pageInfo { hasNextPage endCursor }
    totalCount } }`;

// Just names, for the conversations filter (every page).
export const NOMBRES_ORGANIZACIONES = `query NombresOrganizaciones($first: Int, $after: String) {
  organizations(first: $first, after: $after) { nodes { id name } pageInfo { hasNextPage endCursor } } }`;

export const ESTADO_ORGANIZACION = `mutation EstadoOrganizacion($id: ID!, $status: OrganizationStatus!) {
  setOrganizationStatus(id: $id, status: $status) { ${PROBLEMA} } }`;

export const SUPLANTAR = `mutation Suplantar($organizationId: ID!) {
  impersonate(organizationId: $organizationId) { ${PROBLEMA} ... on StaffSession { token } } }`;

export const CONVERSACIONES = `query Conversaciones($organizationId: ID, $first: Int) {
  conversations(organizationId: $organizationId, first: $first) {
    nodes { id phoneDisplay profileName status organizationId lastMessageAt customer { name } staff { name } } } }`;

export const CONVERSACION = `query Conversacion($id: ID!) {
  conversation(id: $id) { ${PROBLEMA} ... on Conversation {
    id phoneDisplay profileName customer { name } staff { name }
    messages { id body direction senderType createdAt } } } }`;

export const ACTIVIDAD = `query Actividad($first: Int) {
  activity(first: $first) { id kind sentence createdAt organization { id name } } }`;

// ------------------------------------------------------------------ rebooking (issue 8)

const LUGAR_REBOOKING = "staffName spotName startsAt endsAt";
const MOVIMIENTO = `id appointmentId customerName serviceName affected changesDay changesStaff appliedAt
  before { ${LUGAR_REBOOKING} } after { ${LUGAR_REBOOKING} }`;
const PLAN = `id kind optimal expiresAt moves { ${MOVIMIENTO} }
  unplaceable { appointmentId customerName serviceName staffName startsAt message }
  figures { affected kept keptOnDay unplaced dayChanges }`;

export const SUGERIR_REBOOKING = `mutation SugerirRebooking($input: SuggestRebookingInput!) {
  suggestRebooking(input: $input) { ${PROBLEMA} ... on RebookingPlan { ${PLAN} } } }`;

export const APLICAR_REBOOKING = `mutation AplicarRebooking($planId: ID!, $moveIds: [ID!]!) {
  applyRebooking(planId: $planId, moveIds: $moveIds) { ${PROBLEMA}
    ... on RebookingApplied { applied { id } refused { moveId message } noticesQueued } } }`;
