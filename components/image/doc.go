// Package image bakes an EC2 image with EC2 Image Builder: build components from documents kept
// in the repository, a recipe on a parent image taken from a public SSM parameter, build instances
// in a private subnet (IMDSv2, Session Manager, a role with AWS's two managed policies for it and
// nothing else), a distribution that names the AMI <name>-{{imagebuilder:buildDate}}, tags it and
// writes its id to an SSM parameter, and a pipeline that rebuilds it on demand or on a schedule.
// With Args.Bake the deployment that creates or changes the recipe also bakes one image, so that
// servers have an AMI to start from on the first deployment. A lifecycle policy keeps the most
// recent builds (Args.KeepImages) and deletes older AMIs with their snapshots, except those tagged
// Args.RetainTags and the baked one.
//
// Everything that decides what goes into the image (documents, parent, root volume, AMI name and
// tags) comes from Args alone and carries no environment: the same arguments give the same image
// in any stage. Component and recipe versions derive from their content, so a changed document
// replaces them without a version to bump by hand.
package image
