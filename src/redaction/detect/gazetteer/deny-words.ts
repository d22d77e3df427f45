// Gazetteer: capitalised words that are never a person or a place on their own — products,
// brands, technologies, AI assistants, and month and weekday names of the nine languages.
// Lower case, space-separated; multi-word entries are matched on their first word only.

export const DENY_WORDS = `
python java javascript typescript kotlin swift rust golang ruby perl php scala haskell erlang elixir clojure fortran cobol pascal delphi julia ada lua dart groovy matlab bash powershell zsh sql nosql graphql html css sass json yaml xml toml markdown latex
docker kubernetes helm istio envoy terraform ansible puppet chef vagrant jenkins gitlab github bitbucket git subversion mercurial jira confluence trello asana notion slack teams zoom webex skype discord telegram whatsapp signal outlook gmail hotmail yahoo thunderbird excel word powerpoint onenote sharepoint onedrive dropbox box drive sheets docs forms office windows linux ubuntu debian fedora centos redhat rhel macos ios android chrome chromium firefox safari edge opera explorer
azure aws amazon google microsoft apple meta facebook instagram twitter linkedin tiktok youtube netflix spotify uber airbnb salesforce oracle sap ibm intel amd nvidia qualcomm samsung huawei xiaomi sony lenovo dell hp asus acer cisco vmware citrix adobe autodesk atlassian shopify stripe paypal visa mastercard klarna zalando ikea siemens bosch bmw audi volkswagen mercedes porsche tesla toyota honda ford fiat renault peugeot citroën volvo skoda seat ferrari lamborghini philips nokia ericsson vodafone telekom orange telefónica movistar
openai anthropic claude chatgpt gpt gemini bard copilot llama mistral mixtral gemma grok qwen deepseek cohere perplexity midjourney dalle siri alexa cortana bixby watson devin cursor ollama huggingface langchain llamaindex
postgres postgresql mysql mariadb sqlite mongodb redis memcached cassandra elasticsearch kibana logstash grafana prometheus datadog splunk sentry kafka rabbitmq nginx apache tomcat node nodejs deno bun npm yarn pnpm webpack vite babel eslint prettier react angular vue svelte nextjs nuxt django flask fastapi rails laravel spring hibernate express nestjs hono pandas numpy scipy pytorch tensorflow keras jupyter spark hadoop airflow snowflake databricks bigquery redshift tableau looker powerbi cloudflare vercel netlify heroku firebase supabase okta auth0 keycloak vault consul nomad
lambda fargate kinesis dynamodb cloudfront cloudwatch route53 s3 ec2 eks ecs rds iam vpc gke aks
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday
januar februar märz april mai juni juli august september oktober november dezember jänner feber montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag
janvier février mars avril mai juin juillet août septembre octobre novembre décembre lundi mardi mercredi jeudi vendredi samedi dimanche
enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre lunes martes miércoles jueves viernes sábado domingo
gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre lunedì martedì mercoledì giovedì venerdì sabato domenica
januari februari maart april mei juni juli augustus september oktober november december maandag dinsdag woensdag donderdag vrijdag zaterdag zondag
styczeń luty marzec kwiecień maj czerwiec lipiec sierpień wrzesień październik listopad grudzień stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października listopada grudnia poniedziałek wtorek środa czwartek piątek sobota niedziela
janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro segunda terça quarta quinta sexta sábado domingo
januari februari mars april maj juni juli augusti september oktober november december måndag tisdag onsdag torsdag fredag lördag söndag
christmas easter weihnachten ostern noël pâques navidad pascua natale pasqua kerstmis pasen boże narodzenie wielkanoc natal páscoa jul påsk
gmbh ag kg ohg ug mbh ltd llc inc corp corporation co plc sa sas sarl srl spa bv nv ab oy asa sp
euro euros dollar dollars eur usd gbp chf pln sek
`;
