// Top-level domains an e-mail address may plausibly end in: every delegated two-letter
// country code, and the generic ones people actually use. A TLD outside these (".png" in
// "icon@2x.png") only counts with a context word such as "email".

const CC =
  "ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo bq br bs bt bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz " +
  "de dj dk dm do dz ec ee eg er es et eu fi fj fk fm fo fr ga gb gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it " +
  "je jm jo jp ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mg mh mk ml mm mn mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni " +
  "nl no np nr nu nz om pa pe pf pg ph pk pl pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sk sl sm sn so sr ss st su sv sx sy sz tc td tf tg th tj " +
  "tk tl tm tn to tr tt tv tw tz ua ug uk us uy uz va vc ve vg vi vn vu wf ws ye yt za zm zw";

const GENERIC =
  "com org net edu gov mil int info biz name pro mobi aero asia cat coop jobs museum tel travel post xxx " +
  "app dev cloud tech online site shop store xyz email mail blog page web digital agency solutions services systems network company group " +
  "media news live life world today space website club design studio art photo consulting software finance bank insurance capital partners " +
  "ventures law legal health care clinic academy school university college education training institute foundation church team social chat " +
  "link click one global inc ltd llc gmbh eco green energy city london berlin paris nyc tokyo amsterdam wien hamburg bayern koeln nrw swiss " +
  "scot wales quebec africa moe fun games win vip love wiki zone tools works plus guru ninja rocks center top icu buzz work cool fyi host " +
  "hosting run codes red blue pink black family house home garden farm ai io me tv fm gg ly sh to ws cc co eu us uk de fr es it nl ch at be " +
  "se dk no fi pl pt cz gr ie lu hu ro bg hr si sk lt lv ee ca au nz jp cn kr in br mx ar cl za ng ke eg ma ae sa il tr ru ua by kz " +
  "expert email support help direct systems express report press review reviews market marketing money cash credit loans tax accountant " +
  "lawyer attorney doctor dentist hospital vet care community foundation charity ngo gives place center events tickets travel tours " +
  "kitchen restaurant cafe bar pub pizza wine beer coffee fit fitness yoga golf football soccer tennis hockey bike car cars auto " +
  "realty properties property estate immo build builders construction engineering engineer industries enterprises holdings international " +
  "management ltda srl sarl business biz company corp gmbh ag";

/** Lower-case TLD → score: 0.9 for a known one; letters the shape allows but nobody registered stay below the threshold. */
export const KNOWN_TLDS: ReadonlySet<string> = new Set([...CC.split(" "), ...GENERIC.split(" ")].filter((s) => s.length > 0));

/** File extensions that follow an '@' in asset names ("icon@2x.png", "logo@3x.webp"): never a TLD here. */
export const FILE_EXTENSIONS: ReadonlySet<string> = new Set(
  "png jpg jpeg gif svg webp avif ico bmp tif tiff pdf js mjs cjs ts tsx jsx css scss html htm json yaml yml md txt xml csv zip gz tar mov mp3 mp4 wav".split(" "),
);
