#!/usr/bin/env python3
# Writes Sources/JuesuanServer/Resources/openapi.json (OpenAPI 3.1) — the API document served at
# /openapi.json. Run it after changing a route; a test checks the document against the route table.
import json
S=lambda t,**k: dict(type=t,**k)
N=lambda t: {"type":[t,"null"]}
ref=lambda n: {"$ref":f"#/components/schemas/{n}"}
page=lambda n: {"type":"object","required":["items","total","offset","limit"],"properties":{"items":{"type":"array","items":ref(n)},"total":S("integer"),"offset":S("integer"),"limit":S("integer")}}
roles=["filler","head","reviewer","finance","admin","readonly"]
states=["填报中","已上报","主管部门已审核","财政已审核","已公开"]
schemas={
 "Problem":{"type":"object","required":["type","title","status","detail"],"description":"RFC 9457 problem details; title and detail in Chinese.","properties":{"type":S("string"),"title":S("string"),"status":S("integer"),"detail":S("string"),"instance":S("string"),"errors":{"type":"array","items":{"type":"object","properties":{"line":S("string"),"value":S("string"),"reason":S("string")}}}}},
 "User":{"type":"object","required":["login","name","role","org","orgPath"],"properties":{"login":S("string"),"name":S("string"),"role":{"type":"string","enum":roles},"org":S("string"),"orgPath":S("string")}},
 "Org":{"type":"object","required":["code","name","kind","path"],"properties":{"code":S("string"),"name":S("string"),"parent":N("string"),"kind":{"type":"string","enum":["财政局","主管部门","单位"]},"path":S("string")}},
 "Task":{"type":"object","required":["year","layout","catalogue","deadline"],"properties":{"year":S("integer"),"kind":{"type":"string","enum":["final","budget"],"description":"final：部门决算；budget：部门预算"},"layout":S("string"),"catalogue":S("string"),"deadline":S("string"),"signoff":S("boolean")}},
 "Finding":{"type":"object","required":["key","rule","severity","message","place"],"properties":{"key":S("string"),"rule":S("string"),"severity":{"type":"string","enum":["error","warning","info"]},"message":S("string"),"table":S("string"),"row":S("string"),"column":S("string"),"stated":S("string"),"expected":S("string"),"line":S("integer"),"page":S("integer"),"file":S("string"),"fileLine":S("integer"),"explanation":S("string"),"explainedBy":S("string"),"place":S("string")}},
 "Version":{"type":"object","required":["number","kind","filename","uploadedBy","uploadedAt","size","catalogue","catalogueCurrent","errors","warnings","infos"],"properties":{"number":S("integer"),"kind":{"type":"string","enum":["workbook","dataset","ledger","recheck","consolidation","editor"]},"filename":S("string"),"uploadedBy":S("string"),"uploadedAt":S("string"),"size":S("integer"),"catalogue":S("string"),"catalogueCurrent":S("boolean"),"errors":S("integer"),"warnings":S("integer"),"infos":S("integer")}},
 "AuditEntry":{"type":"object","required":["id","at","actor","ip","action","target"],"properties":{"id":S("integer"),"at":S("string"),"actor":S("string"),"ip":S("string"),"action":S("string"),"org":S("string"),"target":S("string"),"before":S("string"),"after":S("string"),"detail":S("string")}},
 "Report":{"type":"object","required":["year","org","state","revision","errors","warnings","unexplained","updatedAt","deadline","daysLeft","submitBlockers","versions","history"],"properties":{"year":S("integer"),"kind":{"type":"string","enum":["final","budget"]},"org":ref("Org"),"state":{"type":"string","enum":states},"revision":S("integer"),"currentVersion":S("integer"),"errors":S("integer"),"warnings":S("integer"),"unexplained":S("integer"),"firstError":S("string"),"updatedAt":S("string"),"publishedAt":S("string"),"returnReason":S("string"),"deadline":S("string"),"daysLeft":S("integer"),"submitBlockers":{"type":"array","items":S("string")},"publicPath":S("string"),"versions":{"type":"array","items":ref("Version")},"history":{"type":"array","items":ref("AuditEntry")},"signoff":S("boolean"),"confirmed":S("boolean"),"confirmedBy":S("string"),"confirmedAt":S("string"),"actions":{"type":"array","description":"What the caller may do to this report now (the pages show exactly these).","items":{"type":"string","enum":["upload","consolidate","recheck","explain","confirm","submit","approve","return","publish","withdraw"]}}}},
 "UploadResult":{"type":"object","required":["report","version","findings"],"properties":{"report":ref("Report"),"version":ref("Version"),"findings":{"type":"array","items":ref("Finding")}}},
 "FindingsPage":{"type":"object","required":["version","items","total","offset","limit"],"properties":{"version":ref("Version"),"items":{"type":"array","items":ref("Finding")},"total":S("integer"),"offset":S("integer"),"limit":S("integer")}},
 "InboxItem":{"type":"object","required":["org","name","kind","state","revision","errors","warnings","unexplained","daysLeft"],"properties":{"org":S("string"),"name":S("string"),"kind":S("string"),"parent":S("string"),"state":{"type":"string","enum":states},"revision":S("integer"),"currentVersion":S("integer"),"errors":S("integer"),"warnings":S("integer"),"unexplained":S("integer"),"firstError":S("string"),"updatedAt":S("string"),"publishedAt":S("string"),"daysLeft":S("integer")}},
 "Progress":{"type":"object","required":["year","deadline","daysLeft","total","byState","withErrors","unexplained","published"],"properties":{"year":S("integer"),"deadline":S("string"),"daysLeft":S("integer"),"total":S("integer"),"byState":{"type":"object","additionalProperties":S("integer")},"withErrors":S("integer"),"unexplained":S("integer"),"published":S("integer")}},
 "ImportResult":{"type":"object","required":["added","changed","unchanged"],"properties":{"added":S("integer"),"changed":S("integer"),"unchanged":S("integer")}},
 "Comparison":{"type":"object","required":["year","org","version","base","baseYear","cells","figures"],"properties":{"year":S("integer"),"org":S("string"),"version":S("integer"),"base":S("string"),"baseYear":S("integer"),"baseVersion":S("integer"),"cells":{"type":"array","items":{"type":"object","required":["table","row","label","column","columnName"],"properties":{"table":S("string"),"row":S("string"),"label":S("string"),"column":S("integer"),"columnName":S("string"),"before":S("string"),"after":S("string")}}},"figures":{"type":"array","items":{"type":"object","required":["figure"],"properties":{"figure":S("string"),"before":S("string"),"after":S("string")}}}}},
 "Consolidated":{"type":"object","required":["year","org","units","missing","dataset","errors","warnings","findings"],"properties":{"year":S("integer"),"org":ref("Org"),"units":S("integer"),"missing":{"type":"array","items":S("string")},"dataset":{"type":"object","description":"The consolidated dataset (the engine's Disclosure JSON)."},"errors":S("integer"),"warnings":S("integer"),"findings":{"type":"array","items":ref("Finding")}}},
 "Job":{"type":"object","required":["id","filename","state","attempts","errors","warnings"],"properties":{"id":S("integer"),"filename":S("string"),"state":{"type":"string","enum":["排队中","审查中","已完成","失败"]},"attempts":S("integer"),"error":S("string"),"unit":S("string"),"matchedOrg":S("string"),"errors":S("integer"),"warnings":S("integer"),"reportYear":S("integer"),"kind":S("string")}},
 "Batch":{"type":"object","required":["id","name","year","createdBy","createdAt","total","done","failed"],"properties":{"id":S("integer"),"name":S("string"),"year":S("integer"),"createdBy":S("string"),"createdAt":S("string"),"total":S("integer"),"done":S("integer"),"failed":S("integer"),"jobs":page("Job")}},
 "PublishedEntry":{"type":"object","required":["org","name","publishedAt","files"],"properties":{"org":S("string"),"name":S("string"),"publishedAt":S("string"),"files":{"type":"array","items":S("string")},"department":S("string")}},
 "Login":{"type":"object","required":["user","csrfToken","token","expiresAt"],"properties":{"user":ref("User"),"csrfToken":S("string"),"token":S("string"),"expiresAt":S("integer")}},
 "Me":{"type":"object","required":["user","csrfToken"],"properties":{"user":ref("User"),"csrfToken":S("string")}},
}
for n in ["Org","User","Task","InboxItem","AuditEntry","Version","Batch","PublishedEntry"]:
    schemas[n+"Page"]=page(n)
P=lambda name,where,schema,desc,req=None: {"name":name,"in":where,"required":(where=="path") if req is None else req,"schema":schema,"description":desc}
year=P("year","path",{"type":"integer","minimum":1900,"maximum":2200},"年度")
org=P("org","path",{"type":"string","pattern":"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"},"单位编码")
number=P("number","path",{"type":"string","pattern":"^([1-9][0-9]{0,8}|current)$"},"版本号，或 current")
bid=P("id","path",{"type":"integer","minimum":1,"maximum":2147483647},"批次编号")
paging=[P("offset","query",{"type":"integer","minimum":0,"maximum":1000000},"跳过的条数",False),P("limit","query",{"type":"integer","minimum":1,"maximum":500},"每页条数",False)]
kindq=P("kind","query",{"type":"string","enum":["final","budget"]},"final（默认）：部门决算；budget：部门预算",False)
fname=P("filename","query",{"type":"string","maxLength":200},"上传的文件名",False)
def js(schema): return {"content":{"application/json":{"schema":schema}}}
def ok(schema,code="200",desc="成功"):
    return {code:{"description":desc,**js(schema)}}
prob={"default":{"description":"错误（RFC 9457 problem details）","content":{"application/problem+json":{"schema":ref("Problem")}}}}
binary={"required":True,"content":{"application/octet-stream":{"schema":{"type":"string","format":"binary"}},"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":{"schema":{"type":"string","format":"binary"}},"text/csv":{"schema":{"type":"string"}},"application/zip":{"schema":{"type":"string","format":"binary"}},"application/pdf":{"schema":{"type":"string","format":"binary"}},"text/plain":{"schema":{"type":"string"}}}}
def body(props,required): return {"required":True,**js({"type":"object","required":required,"properties":props})}
files={"200":{"description":"文件","content":{"*/*":{"schema":{"type":"string","format":"binary"}}}}}
ops={}
def op(method,path,oid,summary,params=[],responses=None,request=None,public=False,tag="报表"):
    o={"operationId":oid,"summary":summary,"tags":[tag],"parameters":params,"responses":{**(responses or {}),**prob}}
    if request: o["requestBody"]=request
    if public: o["security"]=[]
    ops.setdefault(path,{})[method]=o
op("get","/health","health","存活检查",responses=ok({"type":"object","properties":{"status":S("string")}}),public=True,tag="运维")
op("get","/ready","ready","就绪检查（数据库可用）",responses=ok({"type":"object","properties":{"status":S("string")}}),public=True,tag="运维")
op("get","/metrics","metrics","Prometheus 指标（本机地址，或管理员与只读用户的会话）",responses={"200":{"description":"Prometheus 文本格式","content":{"text/plain":{"schema":S("string")}}}},public=True,tag="运维")
op("get","/openapi.json","openapi","本文档",responses=ok({"type":"object"}),public=True,tag="运维")
op("post","/api/v1/session","login","登录（返回会话令牌与 CSRF 令牌，并设置 HttpOnly Cookie）",request=body({"login":S("string",maxLength=100),"password":S("string",maxLength=200)},["login","password"]),responses=ok(ref("Login")),public=True,tag="会话")
op("get","/api/v1/session","me","当前用户",responses=ok(ref("Me")),tag="会话")
op("delete","/api/v1/session","logout","退出登录",responses={"204":{"description":"已退出"}},tag="会话")
op("put","/api/v1/session/password","changePassword","修改密码",request=body({"current":S("string"),"new":S("string",minLength=8)},["current","new"]),responses={"204":{"description":"已修改"}},tag="会话")
op("get","/api/v1/tasks","listTasks","年度任务",params=paging,responses=ok(ref("TaskPage")),tag="管理")
op("put","/api/v1/tasks/{year}","setTask","设立或修改年度任务（管理员）",params=[year],request=body({"kind":{"type":"string","enum":["final","budget"],"description":"final（默认）：部门决算；budget：部门预算"},"layout":S("string"),"deadline":S("string",pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),"signoff":S("boolean")},["deadline"]),responses=ok(ref("Task")),tag="管理")
op("get","/api/v1/orgs","listOrgs","本辖区的组织机构",params=[P("under","query",S("string"),"从此单位起",False),P("q","query",S("string",maxLength=100),"按名称或编码搜索",False)]+paging,responses=ok(ref("OrgPage")),tag="管理")
op("post","/api/v1/orgs/import","importOrgs","导入组织机构（CSV 或 XLSX：单位编码,名称,上级编码,类型；有错行则全部不导入）",params=[fname],request=binary,responses=ok(ref("ImportResult")),tag="管理")
op("get","/api/v1/users","listUsers","本辖区的用户",params=paging,responses=ok(ref("UserPage")),tag="管理")
op("post","/api/v1/users","createUser","新建用户（管理员）",request=body({"login":S("string"),"name":S("string"),"role":{"type":"string","enum":roles},"org":S("string"),"password":S("string",minLength=8)},["login","name","role","org","password"]),responses=ok(ref("User"),"201","已创建"),tag="管理")
op("post","/api/v1/users/import","importUsers","导入用户（CSV 或 XLSX：登录名,姓名,角色,单位编码,电子邮箱；有错行则全部不导入；每人一个一次性密码，只返回这一次，首次登录须修改）",params=[fname],request=binary,responses=ok({"type":"object","required":["created"],"properties":{"created":{"type":"array","items":{"type":"object","required":["login","name","role","org","password"],"properties":{"login":S("string"),"name":S("string"),"role":{"type":"string","enum":roles},"org":S("string"),"password":S("string")}}}}}),tag="管理")
login=P("login","path",{"type":"string","minLength":1,"maxLength":40},"登录名")
Account={"type":"object","required":["user","disabled","locked","mustChangePassword"],"properties":{"user":ref("User"),"disabled":S("boolean"),"locked":S("boolean"),"mustChangePassword":S("boolean"),"email":N("string")}}
op("patch","/api/v1/users/{login}","updateUser","修改用户的姓名、角色、电子邮箱，停用或启用（管理员，限于可管理的用户）",params=[login],request=body({"name":S("string"),"role":{"type":"string","enum":roles},"disabled":S("boolean"),"email":S("string")},[]),responses=ok(Account),tag="管理")
op("post","/api/v1/users/{login}/unlock","unlockUser","解除因多次密码错误的锁定（管理员）",params=[login],responses=ok(Account),tag="管理")
op("post","/api/v1/users/{login}/password-reset","resetPassword","重置为一次性密码（只显示这一次），下次登录须修改（管理员）",params=[login],responses=ok({"type":"object","properties":{"login":S("string"),"password":S("string"),"mustChangePassword":S("string")}}),tag="管理")
op("get","/api/v1/years/{year}/inbox","inbox","下级单位的报表（审核收件箱）",params=[year,kindq,P("state","query",{"type":"string","enum":states},"按状态",False),P("problem","query",{"type":"string","enum":["errors","unexplained","clean","missing","unpublished","awaiting"]},"按问题（unpublished：尚未公开；awaiting：待我审核）",False),P("q","query",S("string",maxLength=100),"按名称或编码搜索",False)]+paging,responses=ok(ref("InboxItemPage")),tag="审核")
op("get","/api/v1/years/{year}/progress","progress","辖区进度：各状态单位数与距公开截止的天数",params=[year,kindq],responses=ok(ref("Progress")),tag="审核")
R="/api/v1/reports/{year}/{org}"
op("get",R,"getReport","报表：状态、版本、历史、上报障碍",params=[year,org,kindq],responses=ok(ref("Report")))
op("get",R+"/versions","listVersions","报表的版本",params=[year,org,kindq]+paging,responses=ok(ref("VersionPage")))
op("post",R+"/versions","uploadVersion","上传新版本（workbook.xlsx、数据集压缩包或记账明细 CSV），到达即检查",params=[year,org,kindq,fname],request=binary,responses=ok(ref("UploadResult"),"201","已保存为新版本"))
op("get",R+"/versions/{number}/findings","getFindings","某版本的问题与说明",params=[year,org,kindq,number,P("severity","query",{"type":"string","enum":["error","warning","info"]},"按级别",False),P("offset","query",{"type":"integer","minimum":0},"跳过",False),P("limit","query",{"type":"integer","minimum":1,"maximum":2000},"条数",False)],responses=ok(ref("FindingsPage")))
op("get",R+"/versions/{number}/dataset","getDataset","某版本的数据集（JSON）",params=[year,org,kindq,number],responses=ok({"type":"object"}))
op("put",R+"/versions/{number}/explanations","explain","为警告填写说明",params=[year,org,kindq,number],request=body({"finding":S("string"),"text":S("string",maxLength=2000)},["finding","text"]),responses=ok(ref("Finding")))
op("post",R+"/recheck","recheck","按现行规则目录重新检查（生成新版本）",params=[year,org],responses=ok(ref("UploadResult"),"201","已保存为新版本"))
op("post",R+"/consolidate","consolidate","主管部门：汇总下属单位生成本部门报表（新版本）",params=[year,org],responses=ok(ref("UploadResult"),"201","已保存为新版本"))
op("get",R+"/consolidated","consolidated","下属单位当前版本的汇总（即时计算，不保存）",params=[year,org],responses=ok(ref("Consolidated")))
op("get",R+"/compare","compare","与上一版本或上年已公开报表比较",params=[year,org,P("version","query",{"type":"integer","minimum":1},"版本号（默认当前）",False),P("against","query",{"type":"string","enum":["previous","last-year"]},"比较对象",False)],responses=ok(ref("Comparison")))
op("post",R+"/confirm","confirmReport","审核确认（单位负责人；年度任务要求时，上报前须确认，此后有改动须重新确认）",params=[year,org,kindq],request={"required":False,"content":{"application/json":{"schema":{"type":"object","properties":{"revision":S("integer")}}}}},responses=ok(ref("Report")))
op("post",R+"/transitions","transition","上报、退回（须填理由）、审核通过、公开",params=[year,org,kindq],request=body({"action":{"type":"string","enum":["submit","return","approve","publish","withdraw"]},"reason":S("string",maxLength=2000),"revision":S("integer")},["action"]),responses=ok(ref("Report")))
op("get","/api/v1/audit-log","auditLog","审计日志（管理员、只读；format=csv 导出）",params=[P("action","query",S("string"),"操作",False),P("actor","query",S("string"),"操作人",False),P("target","query",S("string"),"对象",False),P("format","query",{"type":"string","enum":["json","csv"]},"格式",False),P("offset","query",{"type":"integer","minimum":0},"跳过",False),P("limit","query",{"type":"integer","minimum":1,"maximum":10000},"条数",False)],responses={"200":{"description":"日志","content":{"application/json":{"schema":ref("AuditEntryPage")},"text/csv":{"schema":S("string")}}}},tag="管理")
op("get","/api/v1/batches","listBatches","批量审查批次",params=paging,responses=ok(ref("BatchPage")),tag="批量审查")
op("post","/api/v1/batches","createBatch","新建批次",request=body({"year":S("integer",minimum=2000,maximum=2100),"name":S("string",minLength=1,maxLength=200)},["year","name"]),responses=ok(ref("Batch"),"201","已创建"),tag="批量审查")
op("get","/api/v1/batches/{id}","getBatch","批次进度与各文件结果",params=[bid,P("offset","query",{"type":"integer","minimum":0},"跳过",False),P("limit","query",{"type":"integer","minimum":1,"maximum":1000},"条数",False)],responses=ok(ref("Batch")),tag="批量审查")
op("post","/api/v1/batches/{id}/files","addBatchFile","加入一份已公开报告（PDF 或提取的文本）",params=[bid,fname],request=binary,responses=ok(ref("Job"),"201","已排队"),tag="批量审查")
op("get","/api/v1/batches/{id}/findings","exportBatch","导出批次的全部问题（json、csv、xlsx），或财政局的检查表（checklist：xlsx）",params=[bid,P("format","query",{"type":"string","enum":["json","csv","xlsx","checklist"]},"格式",False)],responses={"200":{"description":"全部问题","content":{"application/json":{"schema":{"type":"object","required":["batch","documents"],"properties":{"batch":ref("Batch"),"documents":{"type":"array","items":{"type":"object","properties":{"job":ref("Job"),"findings":{"type":"array","items":ref("Finding")}}}}}}},"text/csv":{"schema":S("string")},"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":{"schema":{"type":"string","format":"binary"}}}}},tag="批量审查")
op("get","/api/v1/public/{year}","listPublished","已公开单位（无需登录）",params=[year]+paging,responses=ok(ref("PublishedEntryPage")),public=True,tag="公开")
op("get","/public/{year}/{org}/","publicPage","公开页面（无需登录）",params=[year,org],responses={"200":{"description":"页面","content":{"text/html":{"schema":S("string")}}}},public=True,tag="公开")
op("get","/public/{year}/{org}/{file}","publicFile","公开文件：report.pdf、workbook.xlsx、datapackage.json（无需登录）",params=[year,org,P("file","path",S("string"),"文件名")],responses=files,public=True,tag="公开")
op("get","/public/{year}/{org}/data/{file}","publicDataFile","开放数据 CSV（无需登录）",params=[year,org,P("file","path",S("string"),"文件名")],responses=files,public=True,tag="公开")
op("get","/public/{year}/{org}/budget/","publicBudgetPage","已公开的部门预算页面（无需登录）",params=[year,org],responses=files,public=True,tag="公开")
op("get","/public/{year}/{org}/budget/{file}","publicBudgetFile","已公开的部门预算文件：report.pdf、budget.json、workbook.xlsx、datapackage.json（无需登录）",params=[year,org,P("file","path",S("string"),"文件名")],responses=files,public=True,tag="公开")
op("get","/public/{year}/{org}/budget/data/{file}","publicBudgetDataFile","部门预算的开放数据 CSV（无需登录）",params=[year,org,P("file","path",S("string"),"文件名")],responses=files,public=True,tag="公开")
doc={"openapi":"3.1.0","info":{"title":"juesuan 决算服务 API","version":"1.0.0","description":"部门决算的共享流程：单位填报与上报，主管部门与财政审核、退回，公开，批量审查。金额以“分”为整数保存，以“元”两位小数显示。错误为 RFC 9457 problem details（中文 title/detail）。浏览器会话用 Cookie 时，改变状态的请求须带 X-CSRF-Token 请求头；API 客户端可用 Authorization: Bearer 令牌。"},
     "servers":[{"url":"/"}],"security":[{"bearer":[]},{"cookie":[]}],
     "components":{"securitySchemes":{"bearer":{"type":"http","scheme":"bearer"},"cookie":{"type":"apiKey","in":"cookie","name":"juesuan_session"}},"schemas":schemas},
     "paths":ops}
import os
json.dump(doc,open(os.path.join(os.path.dirname(os.path.abspath(__file__)),'..','Sources','JuesuanServer','Resources','openapi.json'),'w'),ensure_ascii=False,indent=1)
print(len(ops))
