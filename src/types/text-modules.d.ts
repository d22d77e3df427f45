// Policy files bundled into the Worker as text (wrangler.toml's [[rules]] type = "Text").
declare module "*.yaml" {
  const text: string;
  export default text;
}
